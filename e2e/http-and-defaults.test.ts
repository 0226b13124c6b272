import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, postJson, waitForEnd, type ExecutionJson } from './support/api.js';
import { RUNTIMES } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// Issue 17's tasks and flow features through the built server, on both runtimes: the
// http.Request and execution.Fail plugins load through the server's own plugin list, a plugin
// default gives a required property, secret() reads SECRET_<NAME upper-cased>, and jq and
// render() work in task props. The server called is a local one this test starts.

const NS = 'e2e.http';
const KEY = 'http-key-0123456789';
const TOKEN = 'e2e-token-9f8e7d6c';

interface LogJson { level: string; taskId?: string; message: string }

const flow = `id: call
namespace: ${NS}
variables:
  greeting: "order {{ trigger.body.order }}"
pluginDefaults:
  - type: io.kestra.plugin.core.http
    values:
      method: POST
      headers:
        Authorization: "Bearer {{ secret('api_token') }}"
tasks:
  - id: post
    type: io.kestra.plugin.core.http.Request
    uri: "{{ trigger.body.base }}/orders"
    body: "{{ trigger.body | toJson }}"
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{ outputs.post.code != 201 }}"
    errorMessage: unexpected code
  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "{{ render(vars.greeting) }} got id {{ outputs.post.body | jq('.id') | first }} with {{ outputs.post.headers['x-token-seen'][0] }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

describe.each(RUNTIMES)('http.Request, Fail and plugin defaults through the server, on the $name runtime', ({ make }) => {
  const runtime = make('http');
  let server: ServerProcess;
  let target: Server;
  let base = '';
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    target = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.url === '/orders' ? 201 : 404, { 'content-type': 'application/json', 'x-token-seen': String(req.headers.authorization === `Bearer ${TOKEN}`) });
        res.end(JSON.stringify({ id: 'ord-42' }));
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    server = await startServer(['server', 'standalone'], {
      ...runtime.env,
      SECRET_API_TOKEN: Buffer.from(TOKEN).toString('base64'),
      SLUICE_SHUTDOWN_GRACE_MS: '500',
    });
    await createFlow(server.url, flow);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime.cleanup();
    target?.closeAllConnections();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  });

  const run = async (body: unknown): Promise<{ execution: ExecutionJson; logs: LogJson[] }> => {
    const res = await postJson(server.url, NS, 'call', KEY, body);
    expect(res.status).toBe(200);
    const execution = await waitForEnd(server.url, ((await res.json()) as ExecutionJson).id, 15_000);
    const logs = (await (await api(server.url, `/api/v1/main/logs/${execution.id}`)).json()) as LogJson[];
    return { execution, logs };
  };

  it('posts with the defaults and the secret, and the next tasks read the answer with jq and render()', async () => {
    const { execution, logs } = await run({ base, order: 7 });
    expect(execution.state.current).toBe('SUCCESS');
    const sent = seen.at(-1);
    expect(sent?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ base, order: 7 });
    expect(logs.filter((l) => l.taskId === 'report').map((l) => l.message)).toEqual(['order 7 got id ord-42 with true']);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
  });

  it('fails the execution with the cause named when the host cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { execution, logs } = await run({ base: `http://127.0.0.1:${port}`, order: 8 });
    expect(execution.state.current).toBe('FAILED');
    expect(logs.filter((l) => l.level === 'ERROR').map((l) => l.message)).toEqual([`Cannot reach http://127.0.0.1:${port}/orders: the connection was refused (nothing listens on that port)`]);
  });
});
