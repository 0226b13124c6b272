import { describe, expect, it, vi } from 'vitest';
import type { ExecutionHandler } from '@sluice/engine';
import { newId } from '@sluice/engine';
import { deferred, sleep, type ContractContext } from './harness.js';

/**
 * A handler that logs `start n` / `end n` for the jobs of `id` (n counts its calls), holds the
 * first until `hold` resolves, and tracks how many of them run at once.
 */
function serialLog(id: string, hold: Promise<void>) {
  const log: string[] = [];
  let calls = 0;
  let running = 0;
  let peak = 0;
  const handler: ExecutionHandler = async (executionId) => {
    if (executionId !== id) return;
    const n = ++calls;
    running++;
    peak = Math.max(peak, running);
    log.push(`start ${n}`);
    try {
      if (n === 1) await hold;
      else await sleep(20);
    } finally {
      running--;
      log.push(`end ${n}`);
    }
  };
  return { log, handler, peak: () => peak };
}

/**
 * ExecutionQueue: the jobs of one execution (its own, and those queued for a date) never run at
 * once, in one consumer or across instances; a job due while another runs is run after it.
 */
export function describeOneJobAtATime(ctx: ContractContext): void {
  describe('queue: one job of an execution at a time', () => {
    const wait = () => ({ timeout: ctx.options.deliveryTimeoutMs, interval: 20 });

    it('runs a job of an execution due while another of its jobs runs after that one ends, with a slot free for others', async () => {
      const [id, other] = [newId(), newId()];
      const hold = deferred();
      const { log, handler } = serialLog(id, hold.promise);
      const others: string[] = [];
      ctx.consume(ctx.runtime, async (executionId, signal) => {
        if (executionId === other) others.push(other);
        await handler(executionId, signal);
      }, 2);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(log).toEqual(['start 1']), wait());
      // Due at once, with a consumer slot free: only the execution's running job holds it back.
      await ctx.runtime.queue.enqueue(id, { at: new Date() });
      await ctx.runtime.queue.enqueue(other);
      await vi.waitFor(() => expect(others).toEqual([other]), wait());
      await sleep(ctx.options.quietMs);
      expect(log).toEqual(['start 1']);
      hold.resolve();
      await vi.waitFor(() => expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']), wait());
    });

    // Two instances on one store stand for two worker processes competing for the jobs.
    if (ctx.options.sharedStore) it('never runs two jobs of an execution at once across consumers of two instances', async () => {
      const other = await ctx.another();
      const id = newId();
      const hold = deferred();
      const { log, handler, peak } = serialLog(id, hold.promise);
      ctx.consume(ctx.runtime, handler);
      ctx.consume(other, handler);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(log).toEqual(['start 1']), wait());
      const now = Date.now();
      await ctx.runtime.queue.enqueue(id, { at: new Date(now) });
      await other.queue.enqueue(id, { at: new Date(now - 1) });
      await sleep(ctx.options.quietMs);
      expect(log).toEqual(['start 1']);
      hold.resolve();
      await vi.waitFor(() => expect(log).toHaveLength(6), wait());
      expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
      expect(peak()).toBe(1);
    });
  });
}
