import { describe, expect, it } from 'vitest';
import type { Execution, TaskRun } from '@sluice/engine';
import { withState } from '@sluice/engine';
import { aTaskRun, anExecution, uniqueTenant } from './builders.js';
import type { ContractContext } from './harness.js';

/** `run` ended again with other outputs: a new object, as the executor makes for every change. */
const changed = (run: TaskRun, outputs: Record<string, unknown>): TaskRun => ({ ...run, outputs });

/**
 * ExecutionRepository.save with `taskRuns` (the ids of the task runs changed since the last
 * save): only those and the head are written, the read gives back the execution exactly, and a
 * save without it writes the whole execution.
 */
export function describeTaskRunSaves(ctx: ContractContext): void {
  describe('executions: saves naming the task runs they changed', () => {
    /** A stored execution RUNNING with task runs a, b, c, saved whole. */
    async function stored(): Promise<{ execution: Execution; runs: TaskRun[] }> {
      const created = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(created);
      const runs = ['a', 'b', 'c'].map((taskId) => aTaskRun(created, { taskId }));
      const execution: Execution = { ...created, state: withState(created.state, 'RUNNING'), taskRunList: runs };
      await ctx.runtime.executions.save(execution);
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
      return { execution, runs };
    }

    it('writes the head and the task runs named, keeps the others as stored, and reads back the execution in order', async () => {
      const { execution, runs } = await stored();
      const [a, b, c] = runs as [TaskRun, TaskRun, TaskRun];
      const b2 = changed(b, { n: 98765432109876543210n });
      const d = aTaskRun(execution, { taskId: 'd' });
      // `a` differs here but is not named: the store keeps what it holds of it.
      const next: Execution = { ...execution, outputs: { head: 'changed' }, taskRunList: [changed(a, { not: 'named' }), b2, c, d] };
      await ctx.runtime.executions.save(next, { taskRuns: [b2.id, d.id] });
      const read = await ctx.runtime.executions.get(execution.id);
      expect(read).toEqual({ ...next, taskRunList: [a, b2, c, d] });
      expect(read?.taskRunList[1]?.outputs.n).toBe(98765432109876543210n);
      expect(read?.taskRunList[0]?.outputs.big).toBe(12345678901234567890n);
    });

    it('gives back, run after run, what an executor saving one change at a time saved, searches included', async () => {
      const tenantId = uniqueTenant();
      const created = anExecution({ tenantId });
      await ctx.runtime.executions.create(created);
      let execution: Execution = { ...created, state: withState(created.state, 'RUNNING') };
      const parent = aTaskRun(execution, { taskId: 'each', state: withState(aTaskRun(execution).state, 'RUNNING') });
      execution = { ...execution, taskRunList: [parent] };
      await ctx.runtime.executions.save(execution, { taskRuns: [parent.id] });
      for (let i = 0; i < 30; i++) {
        const run = aTaskRun(execution, { taskId: 'show', parentTaskRunId: parent.id, value: `v${i}`, outputs: { i, big: BigInt(2) ** 64n + BigInt(i) } });
        execution = { ...execution, taskRunList: [...execution.taskRunList, run] };
        await ctx.runtime.executions.save(execution, { taskRuns: [run.id] });
        if (i % 10 === 9) {
          // An earlier one changed in place in the list, with the parent.
          const at = i - 5;
          const list = execution.taskRunList.slice();
          list[at] = changed(list[at] as TaskRun, { again: at });
          list[0] = changed(list[0] as TaskRun, { done: i });
          execution = { ...execution, taskRunList: list };
          await ctx.runtime.executions.save(execution, { taskRuns: [(list[at] as TaskRun).id, parent.id] });
        }
      }
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
      const page = await ctx.runtime.executions.search({ tenantId, page: 1, size: 10 });
      expect(page.results).toEqual([execution]);
    });

    it('deletes a task run named but no longer in the list', async () => {
      const { execution, runs } = await stored();
      const [a, b, c] = runs as [TaskRun, TaskRun, TaskRun];
      await ctx.runtime.executions.save({ ...execution, taskRunList: [a, c] }, { taskRuns: [b.id] });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual({ ...execution, taskRunList: [a, c] });
    });

    it('without names, writes the whole execution: a task run left out is gone, the order is the new one', async () => {
      const { execution, runs } = await stored();
      const [a, , c] = runs as [TaskRun, TaskRun, TaskRun];
      const e = aTaskRun(execution, { taskId: 'e' });
      const next: Execution = { ...execution, taskRunList: [c, e, changed(a, { restarted: true })] };
      await ctx.runtime.executions.save(next);
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(next);
      await ctx.runtime.executions.save({ ...next, taskRunList: [] });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual({ ...next, taskRunList: [] });
    });

    it('compares `expected` with the whole stored execution, task runs included, whether the save names task runs or not', async () => {
      const { execution, runs } = await stored();
      const [a, b, c] = runs as [TaskRun, TaskRun, TaskRun];
      const b2 = changed(b, { n: 2 });
      const next: Execution = { ...execution, taskRunList: [a, b2, c] };
      // A task run the store does not hold as expected (another list, or one changed): refused.
      for (const stale of [{ ...execution, taskRunList: [a, b] }, { ...execution, taskRunList: [a, changed(b, { other: 1 }), c] }]) {
        for (const taskRuns of [[b2.id], undefined]) {
          await expect(ctx.runtime.executions.save(next, { expected: stale, ...(taskRuns ? { taskRuns } : {}) })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
          expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
        }
        await expect(ctx.runtime.executions.delete(execution.id, { expected: stale })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
      }
      // The execution as read (task runs and all): accepted.
      const read = (await ctx.runtime.executions.get(execution.id)) as Execution;
      await ctx.runtime.executions.save(next, { expected: read, taskRuns: [b2.id] });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(next);
      expect(await ctx.runtime.executions.delete(execution.id, { expected: next })).toBe(true);
      expect(await ctx.runtime.executions.get(execution.id)).toBeUndefined();
    });
  });
}
