import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlow, deleteKeys } from './support/api.js';
import { allExecutions, countIn, finalStates, load, pluginsDir, recordsOf, sleep, startedCount, type FullExecution } from './support/reliability.js';
import { REDIS_URL, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';

// Issue 17: a worker killed with SIGKILL in the middle of Parallels and ForEach loops. Once a
// worker runs again, each execution ends exactly once, every place in the tree (task, value)
// has exactly one task run, and no finished task run runs again: Record writes a line per run,
// so a run repeated after its end shows in its file, whatever the store says.

const COUNT = 200;
const CONCURRENCY = 20;
const KEY = 'crash-tree-key-0123456789';

const record = (id: string, dir: string, indent: string) =>
  `${indent}- id: ${id}\n${indent}  type: io.sluice.test.Record\n${indent}  dir: "${dir}"\n${indent}  ms: 40\n`;

const flow = (dir: string) => `id: crash-tree
namespace: e2e.reliability
tasks:
  - id: branches
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
${['p1', 'p2', 'p3'].map((id) => record(id, dir, '      ')).join('')}  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: [1, 2, 3, 4]
    concurrencyLimit: 2
    tasks:
${record('item', dir, '      ')}triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

// Every task run of `taskId` against its Record lines: the lines name only these task runs, no
// attempt ran twice or past those recorded, the ending attempt ran, earlier ones were cut short.
function treeProblems(dir: string, execution: FullExecution, taskId: string, places: number): string[] {
  const problems: string[] = [];
  const where = `${execution.id}.${taskId}`;
  const runs = execution.taskRunList.filter((run) => run.taskId === taskId);
  const values = runs.map((run) => run.value ?? '');
  if (runs.length !== places || new Set(values).size !== places) problems.push(`${where}: ${runs.length} task runs for ${places} places (${values.join(',')})`);
  const records = recordsOf(dir, execution.id, taskId);
  const ids = new Set(runs.map((run) => run.id));
  if (records.some((r) => !ids.has(r.taskRunId))) problems.push(`${where}: a run of a task run the execution does not hold`);
  for (const run of runs) {
    const started = records.filter((r) => r.taskRunId === run.id && r.event === 'start').map((r) => r.attempt);
    const attempts = run.attempts.length;
    if (new Set(started).size !== started.length) problems.push(`${where}/${run.id}: an attempt started twice (${started.join(',')})`);
    if (started.some((a) => a < 1 || a > attempts)) problems.push(`${where}/${run.id}: attempt ${started.join(',')} past the ${attempts} recorded`);
    if (!started.includes(attempts)) problems.push(`${where}/${run.id}: the attempt that ended it never ran`);
    run.attempts.slice(0, -1).forEach((attempt, i) => {
      if (attempt.state.current !== 'RESUBMITTED') problems.push(`${where}/${run.id}: attempt ${i + 1} is ${attempt.state.current} but another followed it`);
    });
  }
  return problems;
}

describe('a worker killed with SIGKILL inside Parallels and ForEach loops (bullmq runtime)', () => {
  const processes: ServerProcess[] = [];
  const prefix = uniquePrefix('crash-tree');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-tree-runs-'));
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await deleteKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${COUNT} executions in flight: each ends once, one task run per place, no finished one runs again`, async () => {
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: String(CONCURRENCY), SLUICE_WORKER_LOCK_MS: '2000' };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    await createFlow(web.url, flow(dir));

    const outcomes = await load(`${web.url}/api/v1/main/executions/webhook/e2e.reliability/crash-tree/${KEY}`, { parallel: 10, count: COUNT });
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    const acknowledged = new Set(outcomes.map((o) => o.id!));

    const doomed = await startServer(['worker'], env);
    processes.push(doomed);
    // Killed once well into the load: a few batches of executions have started their trees.
    await eventually(async () => (startedCount(dir) >= 3 * CONCURRENCY ? true : undefined), 30_000, 10);
    await doomed.stop('SIGKILL');
    const startedAtKill = startedCount(dir);
    await sleep(100);
    expect(startedCount(dir), 'nothing runs after the kill').toBe(startedAtKill);

    processes.push(await startServer(['worker'], env));
    await eventually(async () => ((await countIn(web.url, 'e2e.reliability', 'crash-tree', ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'])) === COUNT ? true : undefined), 120_000, 250);

    const executions = await allExecutions(web.url, 'e2e.reliability', 'crash-tree');
    expect(executions.map((e) => e.id).sort()).toEqual([...acknowledged].sort());
    const notOnce = executions.filter((e) => e.state.current !== 'SUCCESS' || finalStates(e).length !== 1);
    expect(notOnce.map((e) => `${e.id}: ${e.state.histories.map((h) => h.state).join(',')}`)).toEqual([]);
    const problems = executions.flatMap((e) => [
      ...['p1', 'p2', 'p3'].flatMap((taskId) => treeProblems(dir, e, taskId, 1)),
      ...treeProblems(dir, e, 'item', 4),
    ]);
    expect(problems).toEqual([]);
    // The kill landed mid-tree: some task runs were resumed as a second attempt.
    expect(executions.flatMap((e) => e.taskRunList.filter((run) => run.attempts.length > 1)).length).toBeGreaterThan(0);
  });
});
