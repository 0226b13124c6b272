import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { foreverSignals, sayRuns, treeRegistry } from '../../test/fixtures/tree-plugins.js';
import { taskIndex } from '../executor/flow-tree.js';
import { createExecutor } from '../executor/index.js';
import { parseFlow } from '../flow/index.js';
import type { FlowRevision } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import type { Runtime } from '../ports/ports.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecution, killRequest, killedExecution, replayExecution, requestKill, restartExecution } from './index.js';

// Kill, restart and replay: the pure decisions, and the executor carrying them out on the
// memory runtime (the runtime contract suite runs the kill on SQLite and BullMQ too).

const now = new Date('2024-05-01T10:00:00.000Z');

async function setUp(source: string): Promise<{ runtime: Runtime; flow: FlowRevision; run: (id: string) => Promise<Execution> }> {
  const parsed = parseFlow(source, treeRegistry);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  const runtime = createMemoryRuntime();
  const flow = await runtime.flows.save({ ...parsed.flow, source });
  const executor = createExecutor({ runtime, registry: treeRegistry, secrets: mapSecrets({}) });
  return { runtime, flow, run: (id) => executor.run(id, new AbortController().signal) };
}

async function start(runtime: Runtime, flow: FlowRevision): Promise<Execution> {
  const execution = createExecution({ flow });
  await runtime.executions.create(execution);
  return execution;
}

/** What the kill route does: KILLING stored in place of what was read, then announced. */
async function kill(runtime: Runtime, id: string): Promise<void> {
  const read = (await runtime.executions.get(id)) as Execution;
  const outcome = await requestKill(runtime, read, new Date());
  if (outcome !== 'killing') throw new Error(`execution ${id} is ${read.state.current}: ${outcome}`);
}

const states = (e: Execution) => e.taskRunList.map((r) => `${r.taskId} ${r.state.current}`);

describe('kill', () => {
  it('is refused for an ended execution, and held by a worker only while RUNNING', () => {
    const base = { ...createExecution({ flow: { tenantId: 't', namespace: 'n', id: 'f', revision: 1, tasks: [], inputs: [], outputs: [], triggers: [], labels: [], disabled: false, deleted: false, source: '', updated: '', extra: {} } as unknown as FlowRevision, now }) };
    expect(killRequest({ ...base, state: { current: 'SUCCESS', histories: [] } }, now)).toEqual({ kind: 'terminated' });
    const running = killRequest({ ...base, state: { current: 'RUNNING', histories: [] } }, now);
    expect(running).toMatchObject({ kind: 'killing', held: true, execution: { state: { current: 'KILLING' } } });
    expect(killRequest({ ...base, state: { current: 'RETRYING', histories: [] } }, now)).toMatchObject({ kind: 'killing', held: false });
    // RUNNING through a Sleep: its only unfinished task run waits for a delayed job, no worker holds it.
    const sleeping = { id: 'r1', taskId: 'nap', state: { current: 'RUNNING', histories: [] }, wait: { until: now.toISOString(), onUntil: 'SUCCESS', pause: false, endsTask: true } } as unknown as TaskRun;
    expect(killRequest({ ...base, taskRunList: [sleeping], state: { current: 'RUNNING', histories: [] } }, now)).toMatchObject({ kind: 'killing', held: false });
    const { wait: _wait, ...working } = sleeping;
    expect(killRequest({ ...base, taskRunList: [working as TaskRun], state: { current: 'RUNNING', histories: [] } }, now)).toMatchObject({ kind: 'killing', held: true });
    const ended = killedExecution(base, now);
    expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'KILLING', 'KILLED']);
  });

  it('aborts the running plugins, kills their flowable parent, starts nothing more, and ends KILLED', async () => {
    const { runtime, flow, run } = await setUp(`id: k
namespace: company.team
tasks:
  - id: both
    type: test.Par
    tasks:
      - { id: one, type: test.Forever }
      - { id: two, type: test.Forever }
  - { id: after, type: test.Say, text: after }
`);
    const execution = await start(runtime, flow);
    const seen = foreverSignals.length;
    const ran = run(execution.id);
    await expect.poll(() => foreverSignals.length).toBe(seen + 2);
    await kill(runtime, execution.id);
    const ended = await ran;
    expect(ended.state.current).toBe('KILLED');
    expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'KILLING', 'KILLED']);
    expect(foreverSignals.slice(seen).every((signal) => signal.aborted)).toBe(true);
    expect(states(ended).sort()).toEqual(['both KILLED', 'one KILLED', 'two KILLED']);
    expect(ended.taskRunList.find((r) => r.taskId === 'one')?.attempts.map((a) => a.state.current)).toEqual(['KILLED']);
    expect(await runtime.executions.get(execution.id)).toEqual(ended);
    // Final: a later delivery (a retry's delayed job) finds it ended and does nothing.
    expect(await run(execution.id)).toEqual(ended);
    await runtime.close();
  });

  it('ends a RETRYING execution at once when it is delivered, without another attempt', async () => {
    const { runtime, flow, run } = await setUp(`id: r
namespace: company.team
tasks:
  - id: flaky
    type: test.Boom
    message: no
    retry: { type: constant, interval: PT1H, maxAttempt: 5 }
`);
    const execution = await start(runtime, flow);
    expect((await run(execution.id)).state.current).toBe('RETRYING');
    await kill(runtime, execution.id);
    const ended = await run(execution.id);
    expect(ended.state.current).toBe('KILLED');
    expect(states(ended)).toEqual(['flaky KILLED']);
    expect(ended.taskRunList[0]?.attempts.map((a) => a.state.current)).toEqual(['FAILED']);
    expect(ended.taskRunList[0]?.retryAt).toBeUndefined();
    await runtime.close();
  });
});

describe('restart', () => {
  const source = `id: again
namespace: company.team
tasks:
  - { id: first, type: test.Say, text: first }
  - id: group
    type: test.Seq
    tasks:
      - { id: fine, type: test.Say, text: fine }
      - id: flaky
        type: test.Say
        text: "{{ taskrun.attemptsCount == 1 ? 'second' : undefined_variable }}"
  - { id: last, type: test.Say, text: last }
errors:
  - { id: handler, type: test.Say, text: handled }
`;

  it('runs the same execution again from its failed task run, as a new attempt, with errors run again only if it fails again', async () => {
    const { runtime, flow, run } = await setUp(source);
    const execution = await start(runtime, flow);
    const failed = await run(execution.id);
    expect(failed.state.current).toBe('FAILED');
    expect(states(failed)).toEqual(['first SUCCESS', 'group FAILED', 'fine SUCCESS', 'flaky FAILED', 'handler SUCCESS']);

    const restarted = restartExecution(failed, { ...flow, tasks: taskIndex(flow, treeRegistry) }, new Date());
    if (!restarted.ok) throw new Error(restarted.message);
    expect(restarted.execution.id).toBe(execution.id);
    expect(states(restarted.execution)).toEqual(['first SUCCESS', 'group RUNNING', 'fine SUCCESS', 'flaky RESTARTED']);
    expect(restarted.execution.metadata.attemptNumber).toBe(2);
    await runtime.executions.save(restarted.execution, { expected: failed });

    const before = sayRuns.filter((r) => r.startsWith(execution.id)).length;
    const heard: string[] = [];
    await runtime.events.subscribe(execution.id, (event) => heard.push(event.state));
    const ended = await run(execution.id);
    // Followers hear it run again.
    await expect.poll(() => heard).toEqual(['RUNNING', 'SUCCESS']);
    expect(ended.state.current).toBe('SUCCESS');
    expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'FAILED', 'RESTARTED', 'RUNNING', 'SUCCESS']);
    expect(states(ended)).toEqual(['first SUCCESS', 'group SUCCESS', 'fine SUCCESS', 'flaky SUCCESS', 'last SUCCESS']);
    expect(ended.taskRunList.find((r) => r.taskId === 'flaky')?.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'SUCCESS']);
    // Only the failed task and what followed it ran again.
    expect(sayRuns.filter((r) => r.startsWith(execution.id)).slice(before)).toEqual([`${execution.id}/flaky/second`, `${execution.id}/last/last`]);
    await runtime.close();
  });

  it('refuses an execution that is not FAILED, KILLED or WARNING, and one with no failed task run', async () => {
    const { runtime, flow, run } = await setUp(source.replace("{{ taskrun.attemptsCount == 1 ? 'second' : undefined_variable }}", 'fine'));
    const execution = await start(runtime, flow);
    const tasks = { ...flow, tasks: taskIndex(flow, treeRegistry) };
    expect(restartExecution(execution, tasks, now)).toMatchObject({ ok: false, reason: 'state', message: "Cannot restart execution: current state is 'CREATED', expected FAILED, KILLED, WARNING." });
    const ended = await run(execution.id);
    expect(restartExecution(ended, tasks, now)).toMatchObject({ ok: false, reason: 'state' });
    expect(restartExecution({ ...ended, state: { ...ended.state, current: 'WARNING' } }, tasks, now)).toMatchObject({ ok: false, reason: 'no-task-run', message: 'No task found to restart execution from!' });
    await runtime.close();
  });
});

describe('replay', () => {
  const source = `id: replayed
namespace: company.team
tasks:
  - { id: a, type: test.Say, text: a }
  - { id: b, type: test.Say, text: b }
  - { id: c, type: test.Say, text: c }
`;

  it('makes a new execution that keeps the task runs before the chosen one and runs from it', async () => {
    const { runtime, flow, run } = await setUp(source);
    const execution = await start(runtime, flow);
    const ended = await run(execution.id);
    const b = ended.taskRunList.find((r) => r.taskId === 'b');
    const replay = replayExecution(ended, { taskRunId: b?.id as string, now: new Date() });
    if (!replay.ok) throw new Error(replay.message);
    const copy = replay.execution;
    expect(copy.id).not.toBe(execution.id);
    expect(copy.originalId).toBe(execution.id);
    expect(copy.labels).toContainEqual({ key: 'system.replay', value: 'true' });
    expect(states(copy)).toEqual(['a SUCCESS', 'b RESTARTED']);
    expect(copy.taskRunList.every((r) => r.executionId === copy.id && !ended.taskRunList.some((o) => o.id === r.id))).toBe(true);
    await runtime.executions.create(copy);
    const replayed = await run(copy.id);
    expect(replayed.state.current).toBe('SUCCESS');
    expect(states(replayed)).toEqual(['a SUCCESS', 'b SUCCESS', 'c SUCCESS']);
    expect(sayRuns.filter((r) => r.startsWith(copy.id))).toEqual([`${copy.id}/b/b`, `${copy.id}/c/c`]);
    // The original is untouched.
    expect(await runtime.executions.get(execution.id)).toEqual(ended);
    await runtime.close();
  });

  it('replays from the start without a task run, and names an unknown task run', async () => {
    const { runtime, flow, run } = await setUp(source);
    const ended = await run((await start(runtime, flow)).id);
    const fresh = replayExecution(ended, { now, revision: 1 });
    expect(fresh).toMatchObject({ ok: true, execution: { taskRunList: [], flowRevision: 1, state: { current: 'CREATED' }, originalId: ended.id } });
    expect(replayExecution(ended, { now, taskRunId: 'nope' })).toEqual({ ok: false, message: "Task run id 'nope' not found in execution" });
    // A replay of a replay names the first execution of the line.
    if (!fresh.ok) throw new Error('expected a replay');
    const again = replayExecution(fresh.execution, { now });
    expect(again.ok && again.execution.originalId).toBe(ended.id);
    await runtime.close();
  });
});
