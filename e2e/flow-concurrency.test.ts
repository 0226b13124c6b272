import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createFlow, getExecution, waitForEnd, type ExecutionJson, type ProblemJson } from './support/api.js';
import { bullmqRuntime, sqliteRuntime, type RuntimeSetup } from './support/runtimes.js';
import { eventually, startServer, type ServerProcess } from './support/server-process.js';

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const NS = 'e2e.concurrency';

/** A flow whose one task holds a worker for `ms` (the fixture's Sleep blocks, unlike core's). */
const flow = (id: string, behavior: string, ms: number, limit = 1) => `id: ${id}
namespace: ${NS}
concurrency:
  limit: ${limit}
  behavior: ${behavior}
tasks:
  - id: work
    type: io.sluice.test.Sleep
    ms: ${ms}
`;

/** A flow whose executions wait at a Pause first (holding their slot, no worker) until resumed. */
const gated = (id: string, behavior: string) => `id: ${id}
namespace: ${NS}
concurrency:
  limit: 1
  behavior: ${behavior}
tasks:
  - id: gate
    type: io.kestra.plugin.core.flow.Pause
  - id: work
    type: io.sluice.test.Sleep
    ms: 50
`;

type Run = Omit<ExecutionJson, 'taskRunList'> & { taskRunList?: { taskId: string; state: { current: string; histories: { state: string; date: string }[] } }[] };

async function start(base: string, flowId: string): Promise<string> {
  const res = await api(base, `/api/v1/main/executions/${NS}/${flowId}`, { method: 'POST' });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { id: string }).id;
}

function inState(base: string, id: string, state: string): Promise<ExecutionJson> {
  return eventually(async () => {
    const execution = await getExecution(base, id);
    return execution.state.current === state ? execution : undefined;
  }, 20_000, 25);
}

const states = (e: ExecutionJson) => e.state.histories.map((h) => h.state);
/** When its task ran: the first and last dates of the task run's state, in epoch ms. */
function span(e: Run): [number, number] {
  const histories = e.taskRunList?.find((r) => r.taskId === 'work')?.state.histories ?? [];
  expect(histories.length, `${e.id} ran its task`).toBeGreaterThan(0);
  return [Date.parse(histories[0]?.date ?? ''), Date.parse(histories.at(-1)?.date ?? '')];
}

/** No two task runs overlap: sorted by start, each starts once the one before ended. */
function expectOneAtATime(runs: readonly Run[]): void {
  const spans = runs.map(span).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) expect((spans[i] as [number, number])[0]).toBeGreaterThanOrEqual((spans[i - 1] as [number, number])[1]);
}

const setups = [
  { name: 'BullMQ: a webserver and two workers', make: () => bullmqRuntime('concurrency'), roles: [['server', 'webserver'], ['worker'], ['worker']] },
  { name: 'SQLite, embedded (standalone)', make: () => sqliteRuntime(), roles: [['server', 'standalone']] },
] as const;

describe.each(setups)('flow concurrency, $name', ({ make, roles }) => {
  const processes: ServerProcess[] = [];
  let runtime: RuntimeSetup | undefined;
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await runtime?.cleanup();
    runtime = undefined;
  });

  async function servers(): Promise<string> {
    runtime = make();
    const env = { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: '4' };
    for (const args of roles) processes.push(await startServer(args, env));
    return (processes[0] as ServerProcess).url;
  }

  it('limit 1: a burst never has two executions running at once, and every one ends SUCCESS', async () => {
    const base = await servers();
    await createFlow(base, flow('burst', 'QUEUE', 500));
    const ids = await Promise.all(Array.from({ length: 6 }, () => start(base, 'burst')));
    const ended = (await Promise.all(ids.map((id) => waitForEnd(base, id, 30_000)))) as Run[];
    expect(ended.map((e) => e.state.current)).toEqual(ids.map(() => 'SUCCESS'));
    expectOneAtATime(ended);
    const waited = ended.filter((e) => states(e).includes('QUEUED'));
    expect(waited.length).toBeGreaterThan(0);
    for (const e of waited) expect(states(e).slice(0, 3)).toEqual(['CREATED', 'QUEUED', 'RUNNING']);
  });

  it('QUEUE starts the waiting ones oldest first; a kill of a QUEUED one ends it KILLED and the next one runs', async () => {
    const base = await servers();
    await createFlow(base, gated('ordered', 'QUEUE'));
    const first = await start(base, 'ordered');
    await inState(base, first, 'PAUSED');
    const waiting: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await start(base, 'ordered');
      await inState(base, id, 'QUEUED');
      waiting.push(id);
    }
    const [second, killed, third] = waiting as [string, string, string];
    expect((await api(base, `/api/v1/main/executions/${killed}/kill`, { method: 'DELETE' })).status).toBe(202);
    expect(states(await waitForEnd(base, killed, 20_000))).toEqual(['CREATED', 'QUEUED', 'KILLING', 'KILLED']);
    // Each resumed one ends, then the oldest still in line takes the slot; the one after it waits.
    for (const [id, next, after] of [[first, second, third], [second, third, undefined]] as const) {
      expect((await api(base, `/api/v1/main/executions/${id}/resume`, { method: 'POST' })).status).toBe(204);
      expect((await waitForEnd(base, id, 20_000)).state.current).toBe('SUCCESS');
      await inState(base, next, 'PAUSED');
      if (after !== undefined) expect((await getExecution(base, after)).state.current).toBe('QUEUED');
    }
    expect((await api(base, `/api/v1/main/executions/${third}/resume`, { method: 'POST' })).status).toBe(204);
    const ran = (await Promise.all([first, second, third].map((id) => waitForEnd(base, id, 20_000)))) as Run[];
    expect(ran.map((e) => e.state.current)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    for (const e of ran.slice(1)) expect(states(e).slice(0, 4)).toEqual(['CREATED', 'QUEUED', 'RUNNING', 'PAUSED']);
    expectOneAtATime(ran);
  });

  it('CANCEL ends one more CANCELLED, FAIL ends it FAILED with an ERROR line; the one holding the slot goes on', async () => {
    const base = await servers();
    for (const behavior of ['CANCEL', 'FAIL']) {
      const id = `refuse_${behavior.toLowerCase()}`;
      await createFlow(base, gated(id, behavior));
      const holder = await start(base, id);
      await inState(base, holder, 'PAUSED');
      const refused = await waitForEnd(base, await start(base, id), 20_000);
      expect(states(refused)).toEqual(['CREATED', behavior === 'CANCEL' ? 'CANCELLED' : 'FAILED']);
      const logs = (await (await api(base, `/api/v1/main/logs/${refused.id}?minLevel=ERROR`)).json()) as { message: string }[];
      expect(logs.map((l) => l.message)).toEqual(behavior === 'FAIL' ? ['Flow is FAILED due to concurrency limit exceeded, 1 running(s), limit 1'] : []);
      expect((await api(base, `/api/v1/main/executions/${holder}/resume`, { method: 'POST' })).status).toBe(204);
      expect((await waitForEnd(base, holder, 20_000)).state.current).toBe('SUCCESS');
    }
  });

  it('refuses at save a concurrency without a positive limit or with an unknown key, at its line and column', async () => {
    const base = await servers();
    const res = await api(base, '/api/v1/main/flows', {
      method: 'POST', headers: { 'content-type': 'application/x-yaml' },
      body: `id: bad\nnamespace: ${NS}\nconcurrency:\n  limit: 0\n  maximum: 2\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: a\n`,
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as ProblemJson;
    expect(problem.errors?.map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual(['4:10 concurrency.limit', '5:3 concurrency.maximum']);
  });
});

describe('flow concurrency across a worker killed with SIGKILL (BullMQ)', () => {
  const processes: ServerProcess[] = [];
  let runtime: RuntimeSetup | undefined;
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await runtime?.cleanup();
    runtime = undefined;
  });

  it('the slot of the execution whose worker died is neither lost nor doubled: it ends, then the QUEUED one runs', async () => {
    runtime = bullmqRuntime('concurrency-kill');
    const env = { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: '4', SLUICE_WORKER_LOCK_MS: '2000' };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    const doomed = await startServer(['worker'], env);
    processes.push(doomed);
    await createFlow(web.url, flow('survivor', 'QUEUE', 3000));
    const first = await start(web.url, 'survivor');
    await inState(web.url, first, 'RUNNING');
    const second = await start(web.url, 'survivor');
    await inState(web.url, second, 'QUEUED');
    await doomed.stop('SIGKILL');
    processes.push(await startServer(['worker'], env));
    const ran = (await Promise.all([first, second].map((id) => waitForEnd(web.url, id, 40_000)))) as Run[];
    expect(ran.map((e) => e.state.current)).toEqual(['SUCCESS', 'SUCCESS']);
    expectOneAtATime(ran);
    expect(states(ran[1] as Run).slice(0, 3)).toEqual(['CREATED', 'QUEUED', 'RUNNING']);
  });
});
