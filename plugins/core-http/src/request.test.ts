import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { createTaskContext } from '@sluice/plugin-testing';
import { httpErrors, request, type RequestProps } from './index.js';
import { endlessBody, startTestServer } from '../test/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({
    'GET /boom': (_req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end('down');
    },
    'GET /cookies': (_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.setHeader('X-Trace', 'abc');
      res.end('ok');
    },
    'GET /redirect': (_req, res) => {
      res.writeHead(302, { location: '/products/1' });
      res.end();
    },
    'HEAD /products/1': (_req, res) => {
      res.writeHead(200, { 'content-length': '30' });
      res.end();
    },
    'GET /empty': (_req, res) => {
      res.writeHead(204);
      res.end();
    },
    'GET /big': (_req, res) => {
      res.writeHead(200, { 'content-length': String(2048) });
      res.end('x'.repeat(2048));
    },
    // No Content-Length: the body streams on until the client stops reading.
    'GET /endless': endlessBody('text/plain'),
    'GET /binary': (_req, res) => res.end(Buffer.from([0xff, 0xfe, 0x00, 0xc3])),
    // Headers at once, then silence: only the idle timeout can end it.
    'GET /stall-body': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    },
    // Never answers at all.
    'GET /stall': () => undefined,
    'POST /echo': (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ contentType: req.headers['content-type'], authorization: req.headers.authorization, body: req.body }));
    },
  });
});
afterAll(() => server.close());

const run = async (props: Partial<RequestProps> & { uri: string }, ctx = createTaskContext()) => request.run(ctx, props as RequestProps);
const codeOf = async (promise: PromiseLike<unknown>): Promise<{ code: string; message: string; retryable: boolean }> => {
  try {
    await promise;
  } catch (error) {
    if (isSluiceError(error)) return { code: error.code, message: error.message, retryable: error.retryable };
    throw error;
  }
  throw new Error('expected the task to fail');
};

/** A port nothing listens on: bound, read, released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('Request task: answers', () => {
  it('returns the code, the headers by lower-case name as lists, the body as text, and the uri', async () => {
    const output = await run({ uri: `${server.url}/products/1` });
    expect(output.code).toBe(200);
    expect(output.body).toBe('{"id":1,"title":"Kestra Pen"}');
    expect(output.headers['content-type']).toEqual(['application/json']);
    expect(output.uri).toBe(`${server.url}/products/1`);
  });

  it('keeps every Set-Cookie header apart', async () => {
    const output = await run({ uri: `${server.url}/cookies` });
    expect(output.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(output.headers['x-trace']).toEqual(['abc']);
  });

  it('has no body for HEAD and 204', async () => {
    expect((await run({ uri: `${server.url}/products/1`, method: 'HEAD' })).body).toBeUndefined();
    const empty = await run({ uri: `${server.url}/empty` });
    expect(empty.code).toBe(204);
    expect(empty.body).toBeUndefined();
  });

  it('follows redirects by default, and returns the 3xx itself with followRedirects: false', async () => {
    expect((await run({ uri: `${server.url}/redirect` })).body).toContain('Kestra Pen');
    const manual = await run({ uri: `${server.url}/redirect`, options: { followRedirects: false } });
    expect(manual.code).toBe(302);
    expect(manual.headers.location).toEqual(['/products/1']);
  });

  it('sends spaces in the uri as %20, as Kestra does', async () => {
    await run({ uri: `${server.url}/products/1?q=a b`, options: { allowFailed: true } });
    expect(server.seen.at(-1)?.url).toBe('/products/1?q=a%20b');
  });
});

describe('Request task: what it sends', () => {
  it('sends body with contentType, JSON by default; a map body as JSON', async () => {
    const text = await run({ uri: `${server.url}/echo`, method: 'POST', body: 'plain', contentType: 'text/plain' });
    expect(JSON.parse(text.body ?? '')).toMatchObject({ contentType: 'text/plain', body: 'plain' });
    const map = await run({ uri: `${server.url}/echo`, method: 'POST', body: { a: 1 } });
    expect(JSON.parse(map.body ?? '')).toMatchObject({ contentType: 'application/json', body: '{"a":1}' });
  });

  it('sends formData URL-encoded, or as multipart when contentType says so', async () => {
    const encoded = await run({ uri: `${server.url}/echo`, method: 'POST', formData: { user: 'Ada Lovelace', n: 2 } });
    const seen = JSON.parse(encoded.body ?? '') as { contentType: string; body: string };
    expect(seen.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual({ user: 'Ada Lovelace', n: '2' });

    const multipart = await run({ uri: `${server.url}/echo`, method: 'POST', contentType: 'multipart/form-data', formData: { user: 'John Doe' } });
    const parts = JSON.parse(multipart.body ?? '') as { contentType: string; body: string };
    expect(parts.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(parts.body).toContain('name="user"\r\n\r\nJohn Doe');
  });

  it('refuses a file from internal storage in multipart formData, naming the field', async () => {
    const failure = await codeOf(run({ uri: `${server.url}/echo`, method: 'POST', contentType: 'multipart/form-data', formData: { file: 'kestra://ns/f.txt' } }));
    expect(failure.code).toBe(httpErrors.codes.HTTP_STORAGE_UNSUPPORTED);
    expect(failure.message).toContain('formData.file');
  });

  it('adds basic and bearer authentication; headers win over both', async () => {
    const basic = await run({ uri: `${server.url}/echo`, method: 'POST', options: { auth: { type: 'BASIC', username: 'u', password: 'p' } } });
    expect(JSON.parse(basic.body ?? '').authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
    const bearer = await run({ uri: `${server.url}/echo`, method: 'POST', auth: { type: 'BEARER', token: 'tok' } });
    expect(JSON.parse(bearer.body ?? '').authorization).toBe('Bearer tok');
    const deprecated = await run({ uri: `${server.url}/echo`, method: 'POST', options: { basicAuthUser: 'a', basicAuthPassword: 'b' } });
    expect(JSON.parse(deprecated.body ?? '').authorization).toBe(`Basic ${Buffer.from('a:b').toString('base64')}`);
    const header = await run({ uri: `${server.url}/echo`, method: 'POST', auth: { type: 'BEARER', token: 'tok' }, headers: { Authorization: 'Custom x' } });
    expect(JSON.parse(header.body ?? '').authorization).toBe('Custom x');
  });

  it('sends credentials written in the uri as basic auth, and keeps them out of the uri output', async () => {
    const url = new URL(`${server.url}/echo`);
    url.username = 'ada';
    url.password = 'p@ss word';
    const output = await run({ uri: url.href, method: 'POST' });
    expect(JSON.parse(output.body ?? '').authorization).toBe(`Basic ${Buffer.from('ada:p@ss word').toString('base64')}`);
    expect(output.uri).toBe(`${server.url}/echo`);
  });

  it('refuses a body on GET, a bad uri and a non-http scheme with coded errors', async () => {
    expect((await codeOf(run({ uri: `${server.url}/echo`, body: 'x' }))).code).toBe(httpErrors.codes.HTTP_INVALID_PROPS);
    expect((await codeOf(run({ uri: 'not a url' }))).code).toBe(httpErrors.codes.HTTP_INVALID_URI);
    expect((await codeOf(run({ uri: 'file:///etc/passwd' }))).message).toContain('file:');
  });
});

describe('Request task: failures name their cause', () => {
  it('fails on 4xx, not retryable, and on 5xx, retryable, naming the code and the url without its query', async () => {
    const missing = await codeOf(run({ uri: `${server.url}/products/0?api_key=hidden` }));
    expect(missing).toMatchObject({ code: httpErrors.codes.HTTP_STATUS_FAILED, retryable: false });
    expect(missing.message).toContain("response code '404'");
    expect(missing.message).toContain(`${server.url}/products/0`);
    expect(missing.message).not.toContain('hidden');
    expect(await codeOf(run({ uri: `${server.url}/boom` }))).toMatchObject({ code: httpErrors.codes.HTTP_STATUS_FAILED, retryable: true });
  });

  it('accepts a failed code with options.allowFailed or the deprecated allowFailed', async () => {
    expect((await run({ uri: `${server.url}/boom`, options: { allowFailed: true } })).body).toBe('down');
    expect((await run({ uri: `${server.url}/products/0`, allowFailed: true })).code).toBe(404);
  });

  it('fails with HTTP_UNREACHABLE when nothing listens', async () => {
    const port = await closedPort();
    const failure = await codeOf(run({ uri: `http://127.0.0.1:${port}/x` }));
    expect(failure).toMatchObject({ code: httpErrors.codes.HTTP_UNREACHABLE, retryable: true });
    expect(failure.message).toContain(`Cannot reach http://127.0.0.1:${port}/x: the connection was refused`);
  });

  it('fails when the declared body is over options.maxContentLength, and when a streamed one grows past it', async () => {
    const declared = await codeOf(run({ uri: `${server.url}/big`, options: { maxContentLength: 1024 } }));
    expect(declared.code).toBe(httpErrors.codes.HTTP_BODY_TOO_LARGE);
    expect(declared.message).toContain('larger than 1024 bytes');
    const streamed = await codeOf(run({ uri: `${server.url}/endless`, options: { maxContentLength: 100_000 } }));
    expect(streamed.code).toBe(httpErrors.codes.HTTP_BODY_TOO_LARGE);
  });

  it('fails on a body that is not UTF-8 text', async () => {
    expect((await codeOf(run({ uri: `${server.url}/binary` }))).code).toBe(httpErrors.codes.HTTP_BODY_NOT_TEXT);
  });

  it('fails when no answer starts within connectTimeout, or the body goes silent past readIdleTimeout (any case)', async () => {
    const connect = await codeOf(run({ uri: `${server.url}/stall`, options: { timeout: { connectTimeout: 'pt0.2s' } } }));
    expect(connect).toMatchObject({ code: httpErrors.codes.HTTP_CONNECT_TIMEOUT, retryable: true });
    const idle = await codeOf(run({ uri: `${server.url}/stall-body`, options: { readTimeout: 'PT0.2S' } }));
    expect(idle.code).toBe(httpErrors.codes.HTTP_READ_TIMEOUT);
    expect(idle.message).toContain('readIdleTimeout PT0.2S');
  });

  it('stops the request when the task signal fires, with the signal\'s reason', async () => {
    const ctx = createTaskContext();
    const running = run({ uri: `${server.url}/stall` }, ctx);
    const reason = new Error('task timed out');
    setImmediate(() => ctx.abort(reason));
    await expect(running).rejects.toBe(reason);
  });
});
