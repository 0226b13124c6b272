import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createFlow, TERMINAL } from './support/api.js';
import { allExecutions, countIn, finalStates, load, pluginsDir, rerunProblems, startedCount } from './support/reliability.js';
import { eventually, startServer, type ServerProcess } from './support/server-process.js';

// Issue 16, item 2: the default server (SQLite, no Redis) killed with SIGKILL while executions
// are finished, running and still queued. After a restart on the same data folder, every
// acknowledged execution ends exactly once, with its logs, and no finished task run runs again.

const COUNT = 300;
const CONCURRENCY = 8;
const TASKS = ['first', 'second'] as const;
const KEY = 'sqlite-crash-key-0123456789';

const flow = (dir: string) => `id: crash
namespace: e2e.sqlite
tasks:
  - id: first
    type: io.sluice.test.Record
    dir: "${dir}"
    ms: 150
  - id: second
    type: io.sluice.test.Record
    dir: "${dir}"
    ms: 150
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "done {{ execution.id }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

describe('the default SQLite runtime killed with SIGKILL', () => {
  const processes: ServerProcess[] = [];
  const runs = mkdtempSync(join(tmpdir(), 'sluice-e2e-runs-'));
  const data = mkdtempSync(join(tmpdir(), 'sluice-e2e-sqlite-'));
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    rmSync(runs, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  it('finishes every acknowledged execution exactly once after a restart, with its logs', async () => {
    const env = { SLUICE_DATA_DIR: data, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: String(CONCURRENCY) };
    const first = await startServer(['server', 'standalone'], env);
    processes.push(first);
    expect(first.lines.some((l) => l.includes(`runtime sqlite: executions are stored in ${join(data, 'sluice.db')}`))).toBe(true);
    await createFlow(first.url, flow(runs));

    // Far more than the worker runs at once: some finish, some run, most wait when it is killed.
    const outcomes = await load(`${first.url}/api/v1/main/executions/webhook/e2e.sqlite/crash/${KEY}`, { parallel: 20, count: COUNT });
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    const acknowledged = new Set(outcomes.map((o) => o.id!));
    expect(acknowledged.size).toBe(COUNT);
    await eventually(async () => ((await countIn(first.url, 'e2e.sqlite', 'crash', ['SUCCESS'])) >= CONCURRENCY ? true : undefined), 30_000, 10);
    await first.stop('SIGKILL');
    processes.pop();
    const startedAtKill = startedCount(runs);
    expect(startedAtKill, 'some task runs had started').toBeGreaterThan(0);

    const second = await startServer(['server', 'standalone'], env);
    processes.push(second);
    const atRestart = await allExecutions(second.url, 'e2e.sqlite', 'crash');
    expect(atRestart.map((e) => e.id).sort(), 'every acknowledged execution is stored').toEqual([...acknowledged].sort());
    const states = (wanted: (s: string) => boolean) => atRestart.filter((e) => wanted(e.state.current)).length;
    expect(states((s) => s === 'SUCCESS'), 'some had finished').toBeGreaterThan(0);
    expect(states((s) => s === 'RUNNING'), 'some were running').toBeGreaterThan(0);
    expect(states((s) => s === 'CREATED'), 'some were still queued').toBeGreaterThan(0);

    await eventually(async () => ((await countIn(second.url, 'e2e.sqlite', 'crash', TERMINAL)) === COUNT ? true : undefined), 90_000, 250);
    const executions = await allExecutions(second.url, 'e2e.sqlite', 'crash');
    expect(executions.map((e) => e.id).sort()).toEqual([...acknowledged].sort());
    const notOnce = executions.filter((e) => e.state.current !== 'SUCCESS' || finalStates(e).length !== 1);
    expect(notOnce.map((e) => `${e.id}: ${e.state.histories.map((h) => h.state).join(',')}`)).toEqual([]);
    expect(executions.flatMap((e) => rerunProblems(runs, e, TASKS))).toEqual([]);
    for (const execution of executions) {
      const logs = (await (await api(second.url, `/api/v1/main/logs/${execution.id}`)).json()) as { message: string }[];
      expect(logs.filter((l) => l.message === `done ${execution.id}`), `the logs of ${execution.id}`).toHaveLength(1);
    }
  });
});
