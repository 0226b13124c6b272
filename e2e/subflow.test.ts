import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TERMINAL, api, createFlow, deleteKeys, getExecution, waitForEnd } from './support/api.js';
import { allExecutions, countIn, finalStates, load, pluginsDir, recordsOf, rerunProblems, sleep } from './support/reliability.js';
import { REDIS_URL, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';

// Issue 17, point 3: a Subflow waits for its child holding no worker, across worker processes on
// BullMQ. Parents whose child ends while another branch still runs are woken without running
// that branch twice; a worker killed with SIGKILL mid-way starts no child twice (its id is
// derived from the parent's task run) and loses no parent; the kill route cascades.

const COUNT = 30;
const KEY = 'subflow-key-0123456789abcdef';

const record = (id: string, dir: string, ms: number, indent: string) =>
  `${indent}- id: ${id}\n${indent}  type: io.sluice.test.Record\n${indent}  dir: "${dir}"\n${indent}  ms: ${ms}\n`;

const child = (dir: string) => `id: child
namespace: e2e.subflow
inputs:
  - id: n
    type: INT
tasks:
${record('work', dir, 150, '  ')}outputs:
  - id: doubled
    type: INT
    value: "{{ inputs.n * 2 }}"
`;

const parent = (dir: string) => `id: parent
namespace: e2e.subflow
tasks:
  - id: both
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: call
        type: io.kestra.plugin.core.flow.Subflow
        namespace: e2e.subflow
        flowId: child
        inputs:
          n: "{{ trigger.body.n }}"
${record('slow', dir, 600, '      ')}  - id: after
    type: io.kestra.plugin.core.output.OutputValues
    values:
      doubled: "{{ outputs.call.outputs.doubled }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

const sleeper = `id: sleeper
namespace: e2e.subflow
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
`;

const caller = `id: caller
namespace: e2e.subflow
tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: e2e.subflow
    flowId: sleeper
`;

describe('Subflow across worker processes (bullmq runtime)', () => {
  const processes: ServerProcess[] = [];
  const prefixes: string[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    for (const prefix of prefixes.splice(0)) await deleteKeys(prefix);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const stack = async (name: string) => {
    const prefix = uniquePrefix(name);
    prefixes.push(prefix);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-subflow-'));
    dirs.push(dir);
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: '8', SLUICE_WORKER_LOCK_MS: '2000' };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    return { env, dir, web };
  };

  it(`${COUNT} parents, two workers, one SIGKILLed: each parent ends once with one child, and no task runs twice after it ended`, async () => {
    const { env, dir, web } = await stack('subflow');
    await createFlow(web.url, child(dir));
    await createFlow(web.url, parent(dir));
    const doomed = await startServer(['worker'], env);
    processes.push(doomed, await startServer(['worker'], env));

    const outcomes = await load(`${web.url}/api/v1/main/executions/webhook/e2e.subflow/parent/${KEY}`, { parallel: 5, count: COUNT, body: '{"n":21}' });
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    await sleep(400);
    await doomed.stop('SIGKILL');
    processes.push(await startServer(['worker'], env));

    await eventually(async () => ((await countIn(web.url, 'e2e.subflow', 'parent', TERMINAL)) === COUNT ? true : undefined), 120_000, 250);
    const parents = await allExecutions(web.url, 'e2e.subflow', 'parent');
    const children = await allExecutions(web.url, 'e2e.subflow', 'child');
    expect(parents).toHaveLength(COUNT);
    expect(parents.filter((e) => e.state.current !== 'SUCCESS' || finalStates(e).length !== 1).map((e) => `${e.id} ${e.state.current}`)).toEqual([]);
    // One child per parent: the one its Subflow names, ended SUCCESS, whose outputs it read.
    expect(children).toHaveLength(COUNT);
    for (const execution of parents) {
      const full = await getExecution(web.url, execution.id);
      const call = full.taskRunList?.find((r) => r.taskId === 'call') as unknown as { outputs: { executionId: string; state: string; outputs: { doubled: number } } };
      expect(call.outputs).toMatchObject({ state: 'SUCCESS', outputs: { doubled: 42 } });
      expect(children.some((c) => c.id === call.outputs.executionId && c.state.current === 'SUCCESS')).toBe(true);
    }
    const problems = [
      ...parents.flatMap((e) => rerunProblems(dir, e, ['slow'])),
      ...children.flatMap((e) => rerunProblems(dir, e, ['work'])),
    ];
    expect(problems).toEqual([]);
    // An attempt is cut short only by the SIGKILL: one a live worker ran and that another
    // attempt followed is a branch run twice (a parent woken by its child while it still ran).
    const doomedPid = doomed.child.pid;
    const twice = [...parents, ...children].flatMap((e) => ['slow', 'work'].flatMap((taskId) => {
      const starts = recordsOf(dir, e.id, taskId).filter((r) => r.event === 'start');
      const last = Math.max(0, ...starts.map((r) => r.attempt));
      return starts.filter((r) => r.attempt < last && r.pid !== doomedPid).map((r) => `${e.id}.${taskId} attempt ${r.attempt} by live pid ${r.pid}`);
    }));
    expect(twice).toEqual([]);
  });

  it('the kill route kills the child a parent waits for; isOnKillCascade=false leaves it running', async () => {
    const { env, web } = await stack('subflow-kill');
    processes.push(await startServer(['worker'], env));
    await createFlow(web.url, sleeper);
    await createFlow(web.url, caller);
    const start = async () => {
      const res = await api(web.url, '/api/v1/main/executions/e2e.subflow/caller', { method: 'POST' });
      expect(res.status).toBe(200);
      const id = ((await res.json()) as { id: string }).id;
      const childId = await eventually(async () => {
        const run = (await getExecution(web.url, id)).taskRunList?.find((r) => r.taskId === 'call') as { outputs?: { executionId?: string } } | undefined;
        return run?.outputs?.executionId;
      });
      // The Subflow names its child as it plans, a moment before it stores it.
      await eventually(async () => {
        const res = await api(web.url, `/api/v1/main/executions/${childId}`);
        return res.status === 200 && ((await res.json()) as { state: { current: string } }).state.current === 'RUNNING' ? true : undefined;
      });
      return { id, childId };
    };

    const cascaded = await start();
    expect((await api(web.url, `/api/v1/main/executions/${cascaded.id}/kill`, { method: 'DELETE' })).status).toBe(202);
    expect((await waitForEnd(web.url, cascaded.id)).state.current).toBe('KILLED');
    expect((await waitForEnd(web.url, cascaded.childId)).state.current).toBe('KILLED');

    const kept = await start();
    expect((await api(web.url, `/api/v1/main/executions/${kept.id}/kill?isOnKillCascade=false`, { method: 'DELETE' })).status).toBe(202);
    expect((await waitForEnd(web.url, kept.id)).state.current).toBe('KILLED');
    await sleep(300);
    expect((await getExecution(web.url, kept.childId)).state.current).toBe('RUNNING');
  });
});
