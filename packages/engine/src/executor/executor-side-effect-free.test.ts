import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask, definePluginPackage, type TaskContext } from '@sluice/core';
import type { FlowTask } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import type { Runtime } from '../ports/ports.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecutor } from './index.js';
import { MAX_STAGED_CHANGES } from './drive.js';
import { runCrashingAt } from '../../test/fixtures/crashing-worker.js';
import { countedRuntime } from '../../test/fixtures/counted-runtime.js';

// Runs per execution and task: what a second run of a task with effects would duplicate.
const runs = new Map<string, number>();
const countRun = (executionId: string, taskId: string) => runs.set(`${executionId}/${taskId}`, (runs.get(`${executionId}/${taskId}`) ?? 0) + 1);
const runsOf = (executionId: string, taskId: string) => runs.get(`${executionId}/${taskId}`) ?? 0;

const props = Type.Object({
  message: Dynamic(Type.String({ description: 'Logged.' })),
  lines: Type.Optional(Type.Integer({ description: 'How many times to log it.' })),
}, { additionalProperties: false });
const output = Type.Object({});
const examples = [{ title: 'x', flow: 'id: x' }];
const run = (ctx: TaskContext, p: { message: string; lines?: number }): Record<string, never> => {
  countRun(ctx.ids.executionId, ctx.ids.taskId);
  for (let i = 0; i < (p.lines ?? 1); i++) ctx.logger.info(p.message);
  return {};
};
// The same task twice: once declared side-effect-free, once not (a task with effects).
const note = defineTask({ type: 'test.Note', title: 'Note', description: 'Logs.', props, output, examples, sideEffectFree: true, run: (ctx, p) => run(ctx, p) });
const effect = defineTask({ type: 'test.Effect', title: 'Effect', description: 'Logs, as if it sent something.', props, output, examples, run: (ctx, p) => run(ctx, p) });

const registry = createRegistry([{ pkg: definePluginPackage({ tasks: [note, effect] }), info: { name: 't', version: '0', path: '/', types: [] } }]);

const task = (id: string, type: string, lines?: number): FlowTask => ({
  id, type, disabled: false, allowFailure: false, allowWarning: false, props: { message: `ran ${id}`, ...(lines === undefined ? {} : { lines }) },
});
const notes = (n: number, lines?: number) => Array.from({ length: n }, (_, i) => task(`n${i}`, note.type, lines));

const setup = (tasks: FlowTask[]) => countedRuntime(tasks);

const runAs = (runtime: Runtime, id: string) => createExecutor({ runtime, registry, secrets: mapSecrets({}) }).run(id, new AbortController().signal);

/** Each task ran to SUCCESS in exactly one task run, with its lines stored once. */
async function expectOnce(runtime: Runtime, ended: Execution, tasks: readonly FlowTask[], lines = 1): Promise<void> {
  expect(ended.state.current).toBe('SUCCESS');
  expect(ended.taskRunList.map((r) => r.taskId)).toEqual(tasks.map((t) => t.id));
  expect(ended.taskRunList.every((r) => r.state.current === 'SUCCESS')).toBe(true);
  const logs = await runtime.logs.list(ended.id);
  for (const t of tasks) expect(logs.filter((l) => l.taskId === t.id)).toHaveLength(lines);
}

describe('side-effect-free tasks', () => {
  it('run without a save before each: ten of them make one save, as many tasks with effects make eleven', async () => {
    const pure = await setup(notes(10));
    const ended = await runAs(pure.runtime, pure.id);
    await expectOnce(pure.runtime, ended, notes(10));
    expect(pure.saves.n).toBe(1);
    expect(pure.events).toEqual(['RUNNING', 'SUCCESS']);

    const tasks = Array.from({ length: 10 }, (_, i) => task(`e${i}`, effect.type));
    const effects = await setup(tasks);
    await expectOnce(effects.runtime, await runAs(effects.runtime, effects.id), tasks);
    expect(effects.saves.n).toBe(11);
  });

  it('save before a task with effects starts, and a task with effects has its end saved before a side-effect-free one runs', async () => {
    const tasks = [task('p1', note.type), task('e', effect.type), task('p2', note.type), task('p3', note.type)];
    const { runtime, id, saves } = await setup(tasks);
    const seen: Execution[] = [];
    const watched: Runtime = { ...runtime, executions: { ...runtime.executions, save: async (e, options) => {
      seen.push(e);
      await runtime.executions.save(e, options);
    } } };
    await expectOnce(runtime, await runAs(watched, id), tasks);
    // 1: p1 ended, e RUNNING; 2: e ended, p2 RUNNING; 3: the end.
    expect(saves.n).toBe(3);
    expect(seen[0]?.taskRunList.map((r) => `${r.taskId}:${r.state.current}`)).toEqual(['p1:SUCCESS', 'e:RUNNING']);
    expect(seen[1]?.taskRunList.map((r) => `${r.taskId}:${r.state.current}`)).toEqual(['p1:SUCCESS', 'e:SUCCESS', 'p2:RUNNING']);
  });

  it('a long run of them is saved every so many changes, so its progress shows', async () => {
    const tasks = notes(MAX_STAGED_CHANGES);
    const { runtime, id, saves } = await setup(tasks);
    await expectOnce(runtime, await runAs(runtime, id), tasks);
    // A start and an end per task: a save after every MAX_STAGED_CHANGES / 2 tasks, and the end.
    expect(saves.n).toBe(2);
  });

  for (const when of ['before-write', 'after-write'] as const) {
    it(`a crash between two of them (at the bounded save, ${when}) runs the lost ones again, without a duplicate line or task run`, async () => {
      // Enough tasks for a save in the middle: it comes as task n(MAX/2) starts.
      const tasks = notes(MAX_STAGED_CHANGES);
      const { runtime, id, events } = await setup(tasks);
      await expect(runCrashingAt(registry, runtime, id, 1, when)).rejects.toThrow('crash');
      const stored = (await runtime.executions.get(id)) as Execution;
      expect(stored.taskRunList).toHaveLength(when === 'before-write' ? 0 : MAX_STAGED_CHANGES / 2 + 1);
      const ended = await runAs(runtime, id);
      await expectOnce(runtime, ended, tasks);
      // Lost with the crash: every task before the save, when it never landed.
      if (when === 'before-write') expect(runsOf(id, 'n0')).toBe(2);
      else expect(runsOf(id, 'n0')).toBe(1);
      expect(events.filter((e) => e === 'SUCCESS')).toHaveLength(1);
    });
  }

  it('a crash before their end is stored leaves none of their lines, though they log more than a batch', async () => {
    // 250 lines each: a task with effects would have stored 200 of them mid-run.
    const tasks = [task('p1', note.type, 250), task('p2', note.type, 250)];
    const { runtime, id } = await setup(tasks);
    await expect(runCrashingAt(registry, runtime, id, 1, 'before-write')).rejects.toThrow('crash');
    expect(await runtime.logs.list(id)).toHaveLength(0);
    const ended = await runAs(runtime, id);
    await expectOnce(runtime, ended, tasks, 250);
    expect(runsOf(id, 'p1')).toBe(2);
  });

  it('a task with effects after a crash of side-effect-free ones runs once', async () => {
    const tasks = [task('p1', note.type), task('p2', note.type), task('e', effect.type), task('p3', note.type)];
    const { runtime, id } = await setup(tasks);
    // Save 1 stores p1 and p2 ended and e RUNNING; save 2 would store e's end.
    await expect(runCrashingAt(registry, runtime, id, 2, 'after-write')).rejects.toThrow('crash');
    const ended = await runAs(runtime, id);
    await expectOnce(runtime, ended, tasks);
    expect(runsOf(id, 'p1')).toBe(1);
    expect(runsOf(id, 'e')).toBe(1);
  });
});
