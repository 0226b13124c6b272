import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startServer, type ServerProcess } from './support/server-process.js';

const HOOK = '/api/v1/main/executions/webhook/company.team/trigger/4wjtkzwVGBM9yKnjm3yv8r';

describe('abuse: password guessing and slow clients', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(['server', 'standalone', '--examples'], { SLUICE_AUTH_MAX_FAILURES: '3', SLUICE_AUTH_LOCKOUT_MS: '1500', SLUICE_REQUEST_TIMEOUT_MS: '1500' });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('answers 429 with Retry-After to an address that keeps failing, without touching the webhook route', async () => {
    const wrong = { authorization: `Basic ${Buffer.from('admin@example.com:guess').toString('base64')}` };
    for (let i = 0; i < 3; i++) expect((await fetch(`${server.url}/api/v1/main/flows/search`, { headers: wrong })).status).toBe(401);
    const locked = await fetch(`${server.url}/api/v1/main/flows/search`, { headers: wrong });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked out even with the right password, so guessing cannot go on in the background.
    expect((await fetch(`${server.url}/api/v1/main/flows/search`, { headers: auth })).status).toBe(429);
    expect((await fetch(`${server.url}${HOOK}`, { method: 'POST' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect((await fetch(`${server.url}/api/v1/main/flows/search`, { headers: auth })).status).toBe(200);
  });

  it.each([
    ['headers', 'POST /api/v1/main/executions/webhook/company.team/trigger/x HTTP/1.1\r\nHost: x\r\n'],
    ['body', `POST ${HOOK} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"a":`],
  ])('drops a client that trickles its %s, while others are served', async (_what, start) => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname);
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.on('error', () => undefined);
    const opened = Date.now();
    socket.write(start);
    // A byte now and then: never idle, never done.
    const trickle = setInterval(() => socket.write(' '), 200);
    try {
      const others = await fetch(`${server.url}${HOOK}`, { method: 'POST' });
      expect(others.status).toBe(200);
      const at = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 6000))]);
      expect(at).toBeGreaterThan(0);
      expect(at - opened).toBeLessThan(5000);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });
});
