import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { headersOf, isFlowAddress, queryOf } from './request-parts.js';

/** The request a real Node HTTP server parses from `head` (the request line and header lines). */
async function parsed(head: string): Promise<IncomingMessage> {
  let received: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    received = req;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', reject);
      socket.on('close', () => resolve());
      socket.resume();
      socket.end(`${head}Connection: close\r\n\r\n`);
    });
  } finally {
    server.close();
  }
  if (!received) throw new Error('no request reached the server');
  return received;
}

describe('request parts', () => {
  it('gives every header value by lower-cased name, repeated names in any case in the order received', async () => {
    const req = await parsed('GET / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Tag: a\r\nx-tag: b\r\nX-TAG: c\r\n');
    const headers = headersOf(req);
    expect(headers['content-type']).toEqual(['application/json']);
    expect(headers['x-tag']).toEqual(['a', 'b', 'c']);
  });

  it('keeps a header or parameter named like a prototype property as data', async () => {
    const headers = headersOf(await parsed('GET / HTTP/1.1\r\nHost: x\r\nconstructor: y\r\n'));
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(headers['constructor']).toEqual(['y']);
    const query = queryOf('__proto__=1&a=2&a=3');
    expect(Object.getPrototypeOf(query)).toBeNull();
    expect(query['__proto__']).toEqual(['1']);
    expect(query['a']).toEqual(['2', '3']);
  });

  it('tells a possible flow address from anything else', () => {
    expect(isFlowAddress('company.team', 'trigger')).toBe(true);
    expect(isFlowAddress('Company', 'trigger')).toBe(false);
    expect(isFlowAddress('company.team', '../x')).toBe(false);
  });
});
