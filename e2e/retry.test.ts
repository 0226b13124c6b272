import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFlow, getExecution, postJson, waitForEnd, type ExecutionJson } from './support/api.js';
import { eventually, startServer, type ServerProcess } from './support/server-process.js';

// Issue 17, retry: through the built server on its default runtime (SQLite), an http.Request
// whose server answers 503 before it answers 200 is retried after its interval, as attempts of
// one task run; and a server restarted while an execution waits for its retry runs the next
// attempt when it is due (the wait is a job stored in the SQLite file, not a timer).

const NS = 'e2e.retry';
const KEY = 'retry-key-0123456789';

interface Attempt { state: { current: string; histories: { state: string; date: string }[] } }
interface TaskRunJson { taskId: string; state: { current: string }; attempts: Attempt[] }

const flow = (id: string, interval: string) => `id: ${id}
namespace: ${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.http.Request
    uri: "{{ trigger.body.uri }}"
    retry:
      type: constant
      interval: ${interval}
      maxAttempt: 5
  - id: done
    type: io.kestra.plugin.core.log.Log
    message: "answered {{ outputs.call.code }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

/** The time from the end of each attempt to the start of the next, in ms. */
const gaps = (run: TaskRunJson): number[] => {
  const spans = run.attempts.map((a) => ({ start: Date.parse(a.state.histories[0]!.date), end: Date.parse(a.state.histories.at(-1)!.date) }));
  return spans.slice(1).map((s, i) => s.start - spans[i]!.end);
};
const callRun = (execution: ExecutionJson) => (execution.taskRunList as unknown as TaskRunJson[]).find((r) => r.taskId === 'call') as TaskRunJson;

describe('retry through the server on the SQLite runtime', () => {
  const data = mkdtempSync(join(tmpdir(), 'sluice-e2e-retry-'));
  const processes: ServerProcess[] = [];
  let target: Server;
  // Per path: how many requests were answered, and how many get a 503 before a 200.
  const answered = new Map<string, number>();
  const failFirst = new Map<string, number>();
  let base = '';

  beforeAll(async () => {
    target = createServer((req, res) => {
      const path = req.url ?? '/';
      const count = (answered.get(path) ?? 0) + 1;
      answered.set(path, count);
      res.writeHead(count <= (failFirst.get(path) ?? 0) ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(`answer ${count}`);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  });
  afterAll(async () => {
    target?.closeAllConnections();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
    rmSync(data, { recursive: true, force: true });
  });

  const start = async (server: ServerProcess, flowId: string, path: string): Promise<string> => {
    const res = await postJson(server.url, NS, flowId, KEY, { uri: `${base}${path}` });
    expect(res.status).toBe(200);
    return ((await res.json()) as ExecutionJson).id;
  };

  it('retries a request answered 503 twice, and ends SUCCESS with three attempts spaced by the interval', async () => {
    const server = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: join(data, 'one') });
    processes.push(server);
    await createFlow(server.url, flow('flaky', 'PT0.5S'));
    failFirst.set('/flaky', 2);
    const execution = await waitForEnd(server.url, await start(server, 'flaky', '/flaky'), 20_000);
    expect(execution.state.current).toBe('SUCCESS');
    const call = callRun(execution);
    expect(call.state.current).toBe('SUCCESS');
    expect(call.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED', 'SUCCESS']);
    expect(gaps(call).every((gap) => gap >= 500)).toBe(true);
    expect(answered.get('/flaky')).toBe(3);
  });

  it('runs the next attempt after a restart of the server during the wait', async () => {
    const env = { SLUICE_DATA_DIR: join(data, 'two') };
    const first = await startServer(['server', 'standalone'], env);
    processes.push(first);
    await createFlow(first.url, flow('restarted', 'PT3S'));
    failFirst.set('/restarted', 1);
    const id = await start(first, 'restarted', '/restarted');
    await eventually(async () => ((await getExecution(first.url, id)).state.current === 'RETRYING' ? true : undefined), 15_000);
    // Killed while the execution waits: nothing in memory survives, the file does.
    await first.stop('SIGKILL');
    processes.pop();

    const second = await startServer(['server', 'standalone'], env);
    processes.push(second);
    const execution = await waitForEnd(second.url, id, 20_000);
    expect(execution.state.current).toBe('SUCCESS');
    const call = callRun(execution);
    expect(call.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'SUCCESS']);
    expect(gaps(call)[0]).toBeGreaterThanOrEqual(3000);
    expect(answered.get('/restarted')).toBe(2);
    expect(execution.state.histories.map((h) => h.state)).toContain('RETRYING');
  });
});
