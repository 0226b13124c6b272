import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask, definePluginPackage } from '@sluice/core';
import type { FlowTask } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import type { Runtime } from '../ports/ports.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecutor } from './index.js';
import { runCrashingAt } from '../../test/fixtures/crashing-worker.js';
import { countedRuntime } from '../../test/fixtures/counted-runtime.js';

// Counts every run per execution and task: the side effect a second run would duplicate.
const runs = new Map<string, number>();
const count = defineTask({
  type: 'test.Count',
  title: 'Count',
  description: 'Counts its runs and logs once per run.',
  props: Type.Object({ message: Dynamic(Type.String({ description: 'Logged.' })) }, { additionalProperties: false }),
  output: Type.Object({ n: Type.Number({ description: 'Runs so far.' }) }),
  examples: [{ title: 'Count', flow: 'id: x' }],
  run(ctx, props) {
    const key = `${ctx.ids.executionId}/${ctx.ids.taskId}`;
    const n = (runs.get(key) ?? 0) + 1;
    runs.set(key, n);
    ctx.logger.info(props.message);
    return { n };
  },
});

const registry = createRegistry([{ pkg: definePluginPackage({ tasks: [count] }), info: { name: 't', version: '0', path: '/', types: [] } }]);

const task = (id: string): FlowTask => ({ id, type: count.type, disabled: false, allowFailure: false, allowWarning: false, props: { message: `ran ${id}` } });
const TASKS = [task('a'), task('b'), task('c')];

const setup = () => countedRuntime(TASKS, [{ id: 'n', type: 'INT', value: '{{ outputs.c.n }}' }]);


const runAs = (runtime: Runtime, id: string, queued?: Execution) =>
  createExecutor({ runtime, registry, secrets: mapSecrets({}) }).run(id, new AbortController().signal, queued);
const runsOf = (id: string) => TASKS.map((t) => runs.get(`${id}/${t.id}`) ?? 0);
const finals = (execution: Execution) => execution.state.histories.filter((h) => ['SUCCESS', 'FAILED', 'WARNING', 'KILLED'].includes(h.state));

// Saves, each before a plugin runs or at the end: 1 (RUNNING with task a RUNNING), 2 (a ended,
// b RUNNING), 3 (b ended, c RUNNING), 4 (c ended, execution SUCCESS).
const SAVES = 4;

// Every delivery of a job carries the execution as it was submitted (CREATED), as the BullMQ
// runtime's jobs do, or carries nothing, as the memory runtime's do: both must hold the same.
describe.each([
  { delivery: 'reading the store', carried: false },
  { delivery: 'starting from the execution the job carried', carried: true },
])('executor idempotency, $delivery', ({ carried }) => {
  it('returns a finished execution unchanged when run again: no task, no write, no event', async () => {
    const { runtime, id, created, events, saves } = await setup();
    const queued = carried ? created : undefined;
    const run = (r: Runtime, i: string) => runAs(r, i, queued);
    const first = await run(runtime, id);
    expect(first.state.current).toBe('SUCCESS');
    const writes = saves.n;
    expect(writes).toBe(SAVES);
    const second = await run(runtime, id);
    expect(second).toEqual(first);
    expect(saves.n).toBe(writes);
    expect(events).toEqual(['RUNNING', 'SUCCESS']);
    expect(runsOf(id)).toEqual([1, 1, 1]);
    expect(await runtime.logs.list(id)).toHaveLength(3);
  });

  it('deliveries after the end, even concurrent ones, change nothing', async () => {
    const { runtime, id, created } = await setup();
    const run = (r: Runtime, i: string) => runAs(r, i, carried ? created : undefined);
    await run(runtime, id);
    await Promise.all([run(runtime, id), run(runtime, id)]);
    expect(runsOf(id)).toEqual([1, 1, 1]);
    expect(finals((await runtime.executions.get(id)) as Execution)).toHaveLength(1);
  });

  for (const when of ['before-write', 'after-write'] as const) {
    for (let at = 1; at <= SAVES; at++) {
      it(`a worker crashing at save ${at} (${when}) is finished by the next delivery without re-running finished task runs`, async () => {
        const { runtime, id, created, events } = await setup();
        const queued = carried ? created : undefined;
        const run = (r: Runtime, i: string) => runAs(r, i, queued);
        await expect(runCrashingAt(registry, runtime, id, at, when, queued)).rejects.toThrow('crash');
        const stored = (await runtime.executions.get(id)) as Execution;
        const finishedBefore = new Set(stored.taskRunList.filter((r) => r.state.current === 'SUCCESS').map((r) => r.taskId));
        const runsBefore = runsOf(id);

        const ended = await run(runtime, id);

        expect(ended.state.current).toBe('SUCCESS');
        expect(finals(ended)).toHaveLength(1);
        expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
        expect(ended.outputs).toEqual({ n: runsOf(id)[2] });
        TASKS.forEach((t, i) => {
          const taskRun = ended.taskRunList.find((r) => r.taskId === t.id);
          expect(taskRun?.state.current).toBe('SUCCESS');
          // A finished task run is never run again; the one running at the crash may run once more.
          if (finishedBefore.has(t.id)) expect(runsOf(id)[i]).toBe(runsBefore[i]);
          else expect(runsOf(id)[i]).toBeLessThanOrEqual(2);
        });
        expect(ended.taskRunList).toHaveLength(3);
        // Exactly one end is heard, even when the crash came right after the final save: the end
        // is announced by the save that stores it, not by a publish that a crash could skip.
        expect(events.filter((e) => e === 'SUCCESS')).toHaveLength(1);
      });
    }
  }

  it('resumes a task run left RUNNING as a new attempt, marking the lost one RESUBMITTED', async () => {
    const { runtime, id, created } = await setup();
    const queued = carried ? created : undefined;
    const run = (r: Runtime, i: string) => runAs(r, i, queued);
    // Task b's start is stored (save 2, with a's end), b runs, and the worker dies as it saves b's
    // end (save 3 never lands): b is stored RUNNING, and its first attempt's log line is lost with it.
    await expect(runCrashingAt(registry, runtime, id, 3, 'before-write', queued)).rejects.toThrow('crash');
    expect((await runtime.executions.get(id))?.taskRunList.find((r) => r.taskId === 'b')?.state.current).toBe('RUNNING');
    const ended = await run(runtime, id);
    const b = ended.taskRunList.find((r) => r.taskId === 'b');
    expect(b?.attempts.map((a) => a.state.current)).toEqual(['RESUBMITTED', 'SUCCESS']);
    expect(b?.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
    expect(runsOf(id)).toEqual([1, 2, 1]);
    const logs = await runtime.logs.list(id);
    expect(logs.filter((l) => l.taskId === 'b').map((l) => l.attemptNumber)).toEqual([2]);
  });

  it('an execution that was stored FAILED midway ends FAILED without running the rest', async () => {
    const { runtime, id, created } = await setup();
    const run = (r: Runtime, i: string) => runAs(r, i, carried ? created : undefined);
    const execution = (await runtime.executions.get(id)) as Execution;
    // As if a worker recorded task a FAILED, then died before the final state.
    await runtime.executions.save({
      ...execution,
      state: { current: 'RUNNING', histories: [...execution.state.histories, { state: 'RUNNING', date: new Date().toISOString() }] },
      taskRunList: [{
        tenantId: 'main', id: 'tr-a', executionId: id, namespace: 'n', flowId: 'f', taskId: 'a', attempts: [], outputs: {},
        state: { current: 'FAILED', histories: [{ state: 'FAILED', date: new Date().toISOString() }] },
      }],
    });
    const ended = await run(runtime, id);
    expect(ended.state.current).toBe('FAILED');
    expect(runsOf(id)).toEqual([0, 0, 0]);
    expect(ended.outputs).toBeUndefined();
  });
});
