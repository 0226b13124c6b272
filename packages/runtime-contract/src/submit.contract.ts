import { describe, expect, it, vi } from 'vitest';
import type { Execution } from '@sluice/engine';
import { withState } from '@sluice/engine';
import { anExecution, uniqueTenant } from './builders.js';
import { sleep, type ContractContext } from './harness.js';

/** Runtime.submit: the execution stored, then queued, in one step. */
export function describeSubmit(ctx: ContractContext): void {
  describe('submit', () => {
    const wait = () => ({ timeout: ctx.options.deliveryTimeoutMs, interval: 20 });

    it('stores the execution and queues it: the handler finds it stored, every time', async () => {
      const tenantId = uniqueTenant();
      const executions = Array.from({ length: 40 }, () => anExecution({ tenantId }));
      const mine = new Set(executions.map((e) => e.id));
      const seen = new Map<string, Execution | undefined>();
      ctx.consume(ctx.runtime, async (id) => {
        if (mine.has(id)) seen.set(id, await ctx.runtime.executions.get(id));
      }, 8);
      // The consumer is taking jobs before the burst, so a job that overtook its execution would
      // be handled while the execution is missing.
      const [first, ...rest] = executions as [Execution, ...Execution[]];
      await ctx.runtime.submit(first);
      await vi.waitFor(() => expect(seen.has(first.id)).toBe(true), wait());
      await Promise.all(rest.map((e) => ctx.runtime.submit(e)));
      for (const e of executions) expect(await ctx.runtime.executions.get(e.id)).toEqual(e);
      await vi.waitFor(() => expect(seen.size).toBe(executions.length), wait());
      for (const e of executions) expect(seen.get(e.id)).toEqual(e);
    });

    it('rejects a stored id with RUNTIME_DUPLICATE_EXECUTION, keeps the stored one, and queues it all the same', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      // Stored but never queued: what a start that failed halfway leaves.
      await ctx.runtime.executions.create(execution);
      const calls: string[] = [];
      ctx.consume(ctx.runtime, async (id) => {
        if (id === execution.id) calls.push(id);
      });
      await expect(ctx.runtime.submit({ ...execution, flowRevision: 7 })).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
      const page = await ctx.runtime.executions.search({ tenantId: execution.tenantId, states: ['CREATED'], page: 1, size: 10 });
      expect(page.results.map((e) => e.id)).toEqual([execution.id]);
      await vi.waitFor(() => expect(calls).toEqual([execution.id]), wait());
    });

    it('a duplicate submit does not reset what search knows of a stored execution', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.submit(execution);
      const ended: Execution = { ...execution, state: withState(withState(execution.state, 'RUNNING'), 'SUCCESS') };
      await ctx.runtime.executions.save(ended);
      await expect(ctx.runtime.submit(execution)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
      const search = (state: 'CREATED' | 'SUCCESS') =>
        ctx.runtime.executions.search({ tenantId: execution.tenantId, states: [state], page: 1, size: 10 });
      expect((await search('SUCCESS')).total).toBe(1);
      expect((await search('CREATED')).total).toBe(0);
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(ended);
    });

    it('after a close, rejects with RUNTIME_UNAVAILABLE and stores nothing', async () => {
      const runtime = await ctx.another();
      await runtime.close();
      const execution = anExecution({ tenantId: uniqueTenant() });
      await expect(runtime.submit(execution)).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
      await sleep(ctx.options.quietMs);
      expect(await ctx.runtime.executions.get(execution.id)).toBeUndefined();
    });
  });
}
