import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlow, deleteKeys } from './support/api.js';
import { allExecutions, countIn, finalStates, load, pluginsDir, rerunProblems, sleep, startedCount } from './support/reliability.js';
import { REDIS_URL, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';

// Issue 5, item 1: a worker killed with SIGKILL while 1,000 acknowledged executions are in
// flight. Once a worker runs again, each reaches exactly one final state and no finished task
// run is run again: the Record task writes a line each time it runs, so a run repeated after
// its end shows in the files, whatever the store says.

const COUNT = 1000;
const CONCURRENCY = 50;
const TASKS = ['first', 'second', 'third'] as const;
const KEY = 'crash-key-0123456789';

const flow = (dir: string) => `id: crash
namespace: e2e.reliability
tasks:
  - id: first
    type: io.sluice.test.Record
    dir: "${dir}"
    ms: 40
  - id: second
    type: io.sluice.test.Record
    dir: "${dir}"
    ms: 40
  - id: third
    type: io.sluice.test.Record
    dir: "${dir}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

describe('a worker killed with SIGKILL under load (bullmq runtime)', () => {
  const processes: ServerProcess[] = [];
  const prefix = uniquePrefix('crash');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-runs-'));
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await deleteKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${COUNT} executions in flight: each ends exactly once, and no finished task run runs again`, async () => {
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: String(CONCURRENCY), SLUICE_WORKER_LOCK_MS: '2000' };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    await createFlow(web.url, flow(dir));

    // Every execution acknowledged before any worker runs: 1,000 in flight.
    const outcomes = await load(`${web.url}/api/v1/main/executions/webhook/e2e.reliability/crash/${KEY}`, { parallel: 25, count: COUNT });
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    const acknowledged = new Set(outcomes.map((o) => o.id!));
    expect(acknowledged.size).toBe(COUNT);

    const doomed = await startServer(['worker'], env);
    processes.push(doomed);
    // Killed once it is well into the load: a few batches of 50 started, tasks mid-run.
    await eventually(async () => (startedCount(dir) >= 4 * CONCURRENCY ? true : undefined), 30_000, 10);
    await doomed.stop('SIGKILL');
    const startedAtKill = startedCount(dir);
    await sleep(100);
    expect(startedCount(dir), 'nothing runs after the kill').toBe(startedAtKill);
    expect(await countIn(web.url, 'e2e.reliability', 'crash', ['SUCCESS']), 'most were still to run at the kill').toBeLessThan(COUNT / 2);

    processes.push(await startServer(['worker'], env));
    await eventually(async () => ((await countIn(web.url, 'e2e.reliability', 'crash', ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'])) === COUNT ? true : undefined), 90_000, 250);

    const executions = await allExecutions(web.url, 'e2e.reliability', 'crash');
    expect(executions.map((e) => e.id).sort()).toEqual([...acknowledged].sort());
    const notOnce = executions.filter((e) => e.state.current !== 'SUCCESS' || finalStates(e).length !== 1);
    expect(notOnce.map((e) => `${e.id}: ${e.state.histories.map((h) => h.state).join(',')}`)).toEqual([]);
    expect(executions.flatMap((e) => rerunProblems(dir, e, TASKS))).toEqual([]);

    // Only what was running at the kill ran again: at most one task of each execution the dead
    // worker held, so at most CONCURRENCY task runs; and some did (the kill landed mid-task).
    const resumed = executions.flatMap((e) => e.taskRunList.filter((run) => run.attempts.length > 1));
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.length).toBeLessThanOrEqual(CONCURRENCY);
    for (const run of resumed) expect(run.attempts.map((a) => a.state.current)).toEqual(['RESUBMITTED', 'SUCCESS']);
  });
});
