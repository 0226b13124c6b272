import { describe, expect, it, vi } from 'vitest';
import type { ExecutionHandler } from '@sluice/engine';
import { newId } from '@sluice/engine';
import { deferred, sleep, type ContractContext } from './harness.js';

/**
 * A handler that records calls for the ids a test enqueued and returns at once for any other id:
 * with a shared store, jobs left by earlier tests (retries, recovered stalls) may reach it.
 */
function recorder(mine: Iterable<string>, work: (id: string, signal: AbortSignal) => Promise<void> = async () => undefined) {
  const ids = new Set(mine);
  const calls: string[] = [];
  const handler: ExecutionHandler = async (id, signal) => {
    if (!ids.has(id)) return;
    calls.push(id);
    await work(id, signal);
  };
  return { calls, handler };
}

/** ExecutionQueue: at-most-once per id while retained, concurrency, failures, bounded close. */
export function describeExecutionQueue(ctx: ContractContext): void {
  describe('queue', () => {
    const wait = () => ({ timeout: ctx.options.deliveryTimeoutMs, interval: 20 });

    it('delivers an enqueued execution to the handler with a live signal', async () => {
      const id = newId();
      const signals: AbortSignal[] = [];
      const { calls, handler } = recorder([id], async (_id, signal) => {
        signals.push(signal);
      });
      ctx.consume(ctx.runtime, handler);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
      expect(signals[0]?.aborted).toBe(false);
    });

    it('runs an execution enqueued twice once, before, during and after it runs', async () => {
      const id = newId();
      const release = deferred();
      const { calls, handler } = recorder([id], () => release.promise);
      await ctx.runtime.queue.enqueue(id);
      await ctx.runtime.queue.enqueue(id);
      ctx.consume(ctx.runtime, handler);
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
      await ctx.runtime.queue.enqueue(id);
      release.resolve();
      await sleep(ctx.options.quietMs);
      await ctx.runtime.queue.enqueue(id);
      await sleep(ctx.options.quietMs);
      expect(calls).toEqual([id]);
    });

    it('runs at most `concurrency` handlers at once, and uses them', async () => {
      const ids = Array.from({ length: 6 }, () => newId());
      let running = 0;
      let peak = 0;
      const done: string[] = [];
      const { handler } = recorder(ids, async (id) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(150);
        running--;
        done.push(id);
      });
      for (const id of ids) await ctx.runtime.queue.enqueue(id);
      ctx.consume(ctx.runtime, handler, 2);
      await vi.waitFor(() => expect(done).toHaveLength(6), wait());
      expect(peak).toBe(2);
    });

    it('keeps consuming after a handler throws', async () => {
      const [bad, good] = [newId(), newId()];
      const { calls, handler } = recorder([bad, good], async (id) => {
        if (id === bad) throw new Error('handler failure');
      });
      ctx.consume(ctx.runtime, handler);
      await ctx.runtime.queue.enqueue(bad);
      await vi.waitFor(() => expect(calls).toContain(bad), wait());
      await ctx.runtime.queue.enqueue(good);
      await vi.waitFor(() => expect(calls).toContain(good), wait());
    });

    it('close(grace) waits for a handler that finishes within the grace', async () => {
      const id = newId();
      let finished = false;
      let aborted: boolean | undefined;
      const { calls, handler } = recorder([id], async (_id, signal) => {
        await sleep(300);
        aborted = signal.aborted;
        finished = true;
      });
      const consumer = ctx.consume(ctx.runtime, handler);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
      await consumer.close(5000);
      expect(finished).toBe(true);
      expect(aborted).toBe(false);
    });

    it('close(grace) fires the signals and returns soon after the grace, even if a handler ignores its signal', async () => {
      const id = newId();
      const never = deferred();
      let signal: AbortSignal | undefined;
      const { calls, handler } = recorder([id], async (_id, s) => {
        signal = s;
        await never.promise;
      });
      const consumer = ctx.consume(ctx.runtime, handler);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
      const started = Date.now();
      try {
        await consumer.close(200);
        expect(Date.now() - started).toBeLessThan(200 + 3000);
        expect(signal?.aborted).toBe(true);
      } finally {
        never.resolve();
      }
    });

    it('delivers again, to the next consumer, a job whose handler was aborted by close', async () => {
      const id = newId();
      const first = recorder([id], (_id, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
      const consumer = ctx.consume(ctx.runtime, first.handler);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(first.calls).toEqual([id]), wait());
      await consumer.close(100);
      const second = recorder([id]);
      ctx.consume(ctx.runtime, second.handler);
      await vi.waitFor(() => expect(second.calls).toEqual([id]), wait());
    });

    it('takes no job once closed; a later consumer does', async () => {
      const id = newId();
      const closed = recorder([id]);
      await ctx.consume(ctx.runtime, closed.handler).close(0);
      await ctx.runtime.queue.enqueue(id);
      const open = recorder([id]);
      ctx.consume(ctx.runtime, open.handler);
      await vi.waitFor(() => expect(open.calls).toEqual([id]), wait());
      expect(closed.calls).toEqual([]);
    });

    it('counts a job waiting for a consumer', async () => {
      await ctx.runtime.queue.enqueue(newId());
      const counts = await ctx.runtime.queue.counts();
      expect(counts.waiting).toBeGreaterThanOrEqual(1);
      for (const value of [counts.waiting, counts.active, counts.completed, counts.failed]) {
        expect(Number.isInteger(value) && value >= 0).toBe(true);
      }
    });

    // Only a store shared by several instances can be held to this; the memory runtime has none.
    if (ctx.options.sharedStore) it('runs a job enqueued through one instance on a consumer of another', async () => {
      const other = await ctx.another();
      const id = newId();
      const { calls, handler } = recorder([id]);
      ctx.consume(other, handler);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
    });

    it('delivers a job queued for a date no earlier than that date', async () => {
      const id = newId();
      const at = new Date(Date.now() + 400);
      const delivered: number[] = [];
      const { calls, handler } = recorder([id], async () => {
        delivered.push(Date.now());
      });
      ctx.consume(ctx.runtime, handler);
      await ctx.runtime.queue.enqueue(id, { at });
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
      expect(delivered[0]).toBeGreaterThanOrEqual(at.getTime());
    });

    it('runs a job queued for a date from inside the execution\'s own job, after that job', async () => {
      const id = newId();
      const at = new Date(Date.now() + 300);
      const delivered: number[] = [];
      const { calls, handler } = recorder([id], async () => {
        delivered.push(Date.now());
        // What the executor does for a retry: queue the execution again for its date, then end.
        if (delivered.length === 1) await ctx.runtime.queue.enqueue(id, { at });
      });
      ctx.consume(ctx.runtime, handler);
      await ctx.runtime.queue.enqueue(id);
      await vi.waitFor(() => expect(calls).toEqual([id, id]), wait());
      expect(delivered[1]).toBeGreaterThanOrEqual(at.getTime());
      await sleep(ctx.options.quietMs);
      expect(calls).toEqual([id, id]);
    });

    it('runs once an execution queued twice for the same date; a date in the past is due at once', async () => {
      const [id, late] = [newId(), newId()];
      const at = new Date(Date.now() + 200);
      const { calls, handler } = recorder([id, late]);
      await ctx.runtime.queue.enqueue(id, { at });
      await ctx.runtime.queue.enqueue(id, { at });
      await ctx.runtime.queue.enqueue(late, { at: new Date(Date.now() - 60_000) });
      ctx.consume(ctx.runtime, handler);
      await vi.waitFor(() => expect([...calls].sort()).toEqual([id, late].sort()), wait());
      await sleep(ctx.options.quietMs);
      expect(calls.filter((c) => c === id)).toEqual([id]);
    });

    it('cancels a job queued for a date before it is due; another date of the same execution still runs', async () => {
      const id = newId();
      const [stale, kept] = [new Date(Date.now() + 300), new Date(Date.now() + 100)];
      const { calls, handler } = recorder([id]);
      ctx.consume(ctx.runtime, handler);
      await ctx.runtime.queue.enqueue(id, { at: stale });
      await ctx.runtime.queue.enqueue(id, { at: kept });
      expect(await ctx.runtime.queue.cancel(id, { at: stale })).toBe(true);
      expect(await ctx.runtime.queue.cancel(id, { at: stale })).toBe(false);
      expect(await ctx.runtime.queue.cancel(newId(), { at: stale })).toBe(false);
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
      await sleep(Math.max(ctx.options.quietMs, stale.getTime() - Date.now() + ctx.options.quietMs));
      expect(calls).toEqual([id]);
    });

    // A durable runtime keeps a job queued for a date like any other: another instance on the
    // same store (or the next start of the same file: see the SQLite runtime's restart tests) runs it.
    if (ctx.options.sharedStore) it('delivers a job queued for a date on one instance to a consumer of another', async () => {
      const other = await ctx.another();
      const id = newId();
      const { calls, handler } = recorder([id]);
      await ctx.runtime.queue.enqueue(id, { at: new Date(Date.now() + 200) });
      await ctx.runtime.close();
      ctx.consume(other, handler);
      await vi.waitFor(() => expect(calls).toEqual([id]), wait());
    });
  });
}
