import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, getExecution, waitForEnd, type ExecutionJson } from './support/api.js';
import { RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// Real webhook requests from public sources (see fixtures/payloads/README.md), each delivered
// with its original headers and found intact in trigger.body and trigger.headers, on the
// execution the webhook answers with and on the stored one.

interface Fixture {
  readonly name: string;
  readonly sender: string;
  readonly method: string;
  readonly body: 'json' | 'text' | 'form';
  readonly headers: [string, string][];
  readonly signature?: { scheme: 'github' | 'slack'; header: string; timestampHeader?: string; secret: string };
  readonly bytes: Buffer;
}

const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'payloads');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.endsWith('.headers.json'))
  .sort()
  .map((f) => {
    const name = f.slice(0, -'.headers.json'.length);
    return { ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Omit<Fixture, 'name' | 'bytes'>), name, bytes: readFileSync(join(dir, `${name}.body`)) };
  });

// Headers that describe the original connection, not the request: never resent (RFC 9110 7.6.1).
const CONNECTION_HEADERS = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate']);
const resent = (fixture: Fixture) => fixture.headers.filter(([name]) => !CONNECTION_HEADERS.has(name.toLowerCase()));

/** Sends the fixture's bytes with its headers, spelled as published, and nothing else of ours. */
function deliver(base: string, path: string, fixture: Fixture): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  // Host and Content-Length are this connection's own; a raw header list gets neither by default.
  const headers = ['Host', `${hostname}:${port}`, ...resent(fixture).flat(), 'Content-Length', String(fixture.bytes.length)];
  return new Promise((resolve, reject) => {
    // No agent: one connection per request, so Node adds no keep-alive header of its own.
    const req = request({ host: hostname, port, method: fixture.method, path, headers, agent: false, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
    req.end(fixture.bytes);
  });
}

function expectedBody(fixture: Fixture): unknown {
  const text = fixture.bytes.toString('utf8');
  return fixture.body === 'json' ? JSON.parse(text) : text;
}

function verifySignature(fixture: Fixture, body: string, headers: Record<string, string[]>): boolean {
  const sig = fixture.signature!;
  const sent = headers[sig.header.toLowerCase()]?.[0];
  if (sig.scheme === 'github') return sent === `sha256=${createHmac('sha256', sig.secret).update(body, 'utf8').digest('hex')}`;
  const timestamp = headers[sig.timestampHeader!.toLowerCase()]?.[0];
  return sent === `v0=${createHmac('sha256', sig.secret).update(`v0:${timestamp}:${body}`, 'utf8').digest('hex')}`;
}

describe('the payload corpus', () => {
  it('holds at least six real requests, the signed ones verifying over the fixture bytes', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
    expect(new Set(fixtures.map((f) => f.sender)).size).toBeGreaterThanOrEqual(4);
    for (const fixture of fixtures.filter((f) => f.signature)) {
      const headers = Object.fromEntries(fixture.headers.map(([n, v]) => [n.toLowerCase(), [v]]));
      expect(verifySignature(fixture, fixture.bytes.toString('utf8'), headers), fixture.name).toBe(true);
    }
  });
});

describe.each(RUNTIMES)('real webhook payloads on the $name runtime', ({ make }) => {
  let server: ServerProcess;
  let runtime: RuntimeSetup;
  const path = '/api/v1/main/executions/webhook/e2e.corpus/corpus/corpus-key-0123456789';

  beforeAll(async () => {
    runtime = make('corpus');
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, `id: corpus
namespace: e2e.corpus
tasks:
  - id: seen
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.headers['user-agent'] ?? ['no user agent'] | first }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: corpus-key-0123456789
`);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s arrives intact in trigger.body and trigger.headers', async (_name, fixture) => {
    const res = await deliver(server.url, path, fixture);
    expect(res.status, res.body).toBe(200);
    const answered = JSON.parse(res.body) as ExecutionJson;
    const stored = await getExecution(server.url, answered.id);
    for (const execution of [answered, stored]) {
      const variables = execution.trigger!.variables;
      expect(variables.body).toEqual(expectedBody(fixture));
      // Each original header under its lower-cased name, as a list holding the value unchanged.
      for (const [name, value] of resent(fixture)) expect(variables.headers[name.toLowerCase()], name).toEqual([value]);
      // Nothing else but what the client had to add for this connection.
      const extra = Object.keys(variables.headers).filter((h) => !resent(fixture).some(([n]) => n.toLowerCase() === h));
      expect(extra.sort()).toEqual(['connection', 'content-length', 'host'].filter((h) => extra.includes(h)));
      expect(variables.headers['content-length']).toEqual([String(fixture.bytes.length)]);
      expect(variables.parameters).toEqual({});
      if (fixture.signature) expect(verifySignature(fixture, variables.body as string, variables.headers)).toBe(true);
    }
    // The flow reads the stored request like any other.
    const done = await waitForEnd(server.url, answered.id);
    expect(done.state.current).toBe('SUCCESS');
    const logs = (await (await api(server.url, `/api/v1/main/logs/${answered.id}`)).json()) as { message: string }[];
    const agent = resent(fixture).find(([n]) => n.toLowerCase() === 'user-agent')?.[1] ?? 'no user agent';
    expect(logs.map((l) => l.message)).toEqual([agent]);
  });
});
