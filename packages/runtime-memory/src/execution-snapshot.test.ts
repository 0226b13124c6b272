import { describe, expect, it } from 'vitest';
import { stringifyJson } from '@sluice/core';
import { newState, type Execution, type TaskRun } from '@sluice/engine';
import { createMemoryRuntime } from './index.js';

const run = (id: string, more: Partial<TaskRun> = {}): TaskRun => ({
  tenantId: 'main', id, executionId: 'e1', namespace: 'company.team', flowId: 'f', taskId: `t${id}`, attempts: [],
  outputs: { n: id, deep: { list: [1, 2] } }, state: newState('SUCCESS', new Date(Date.UTC(2024, 0, 1))), ...more,
});

const execution = (taskRunList: TaskRun[]): Execution => ({
  tenantId: 'main', id: 'e1', namespace: 'company.team', flowId: 'f', flowRevision: 1, taskRunList, inputs: { a: 1 }, labels: [],
  state: newState('RUNNING', new Date(Date.UTC(2024, 0, 1))),
  metadata: { attemptNumber: 1, originalCreatedDate: '2024-01-01T00:00:00.000Z' },
});

describe('memory execution snapshots', () => {
  it('copies and freezes only the task runs a save brings as new objects', async () => {
    const runtime = createMemoryRuntime();
    const runs = Array.from({ length: 100 }, (_, i) => run(String(i)));
    await runtime.executions.create(execution([]));
    await runtime.executions.save(execution(runs));
    const first = (await runtime.executions.get('e1')) as Execution;
    const changed = run('42', { outputs: { n: 'changed' } });
    const next = execution(runs.map((r) => (r.id === '42' ? changed : r)));
    await runtime.executions.save(next);
    const second = (await runtime.executions.get('e1')) as Execution;
    // The 99 unchanged task runs are the frozen copies of the first save, the changed one a new copy.
    const reused = second.taskRunList.filter((r, i) => r === first.taskRunList[i]);
    expect(reused).toHaveLength(99);
    expect(second.taskRunList[42]).not.toBe(first.taskRunList[42]);
    expect(second.taskRunList[42]?.outputs).toEqual({ n: 'changed' });
    // The same text as the execution saved, keys in their order.
    expect(stringifyJson(second)).toBe(stringifyJson(next));
    // A read handed back to a save is kept as it is.
    await runtime.executions.save({ ...second, inputs: { a: 2 } });
    const third = (await runtime.executions.get('e1')) as Execution;
    expect(third.taskRunList.every((r, i) => r === second.taskRunList[i])).toBe(true);
    expect(third.inputs).toEqual({ a: 2 });
  });

  it('holds nothing the caller or a reader can change afterwards', async () => {
    const runtime = createMemoryRuntime();
    const mine = run('a');
    const outputs = mine.outputs as { deep: { list: number[] } };
    // Frozen on top only, by someone else: what is under it is frozen too.
    const shallow = Object.freeze({ under: { n: 1 } });
    const inputs = { a: 1 };
    await runtime.executions.create({ ...execution([mine, run('b', { outputs: { shallow } })]), inputs });
    inputs.a = 2;
    const stored = (await runtime.executions.get('e1')) as Execution;
    expect(stored.inputs).toEqual({ a: 1 });
    expect(Object.isFrozen(stored.taskRunList)).toBe(true);
    expect(Object.isFrozen((stored.taskRunList[0]?.outputs as { deep: { list: number[] } }).deep.list)).toBe(true);
    expect(Object.isFrozen(shallow.under)).toBe(true);
    // The caller's task run is frozen once held: changed in place, it throws rather than go unstored.
    expect(() => outputs.deep.list.push(3)).toThrow(TypeError);
    expect(() => ((mine as { taskId: string }).taskId = 'x')).toThrow(TypeError);
    await runtime.executions.save(execution([mine]));
    expect(((await runtime.executions.get('e1')) as Execution).taskRunList[0]).toEqual(run('a'));
  });

  it('copies a task run holding other than plain data (a Date stays changeable when frozen)', async () => {
    const runtime = createMemoryRuntime();
    const date = new Date(Date.UTC(2024, 0, 1));
    const mine = run('a', { outputs: { date } });
    await runtime.executions.create(execution([mine]));
    const stored = ((await runtime.executions.get('e1')) as Execution).taskRunList[0] as TaskRun;
    expect(stored).not.toBe(mine);
    date.setTime(0);
    expect((stored.outputs.date as Date).getTime()).toBe(Date.UTC(2024, 0, 1));
    expect(Object.isFrozen(stored.outputs)).toBe(true);
  });
});
