import { describe, expect, it, vi } from 'vitest';
import type { ExecutionEvent } from '@sluice/engine';
import { newId } from '@sluice/engine';
import { sleep, type ContractContext } from './harness.js';

function event(executionId: string, state: ExecutionEvent['state'], terminated = false): ExecutionEvent {
  return { executionId, state, terminated };
}

/** ExecutionEvents: delivery after subscribe, per execution, in order; unsubscribe. */
export function describeExecutionEvents(ctx: ContractContext): void {
  describe('events', () => {
    const wait = () => ({ timeout: ctx.options.deliveryTimeoutMs, interval: 20 });

    it('delivers events published after subscribe resolves, in order, to that execution only', async () => {
      const [id, other] = [newId(), newId()];
      const seen: ExecutionEvent[] = [];
      await ctx.runtime.events.subscribe(id, (e) => seen.push(e));
      await ctx.runtime.events.publish(event(id, 'RUNNING'));
      await ctx.runtime.events.publish(event(other, 'RUNNING'));
      await ctx.runtime.events.publish(event(id, 'SUCCESS', true));
      await vi.waitFor(() => expect(seen).toHaveLength(2), wait());
      expect(seen).toEqual([event(id, 'RUNNING'), event(id, 'SUCCESS', true)]);
      await sleep(ctx.options.quietMs);
      expect(seen).toHaveLength(2);
    });

    it('stops delivering to a listener once unsubscribed, others keep theirs', async () => {
      const id = newId();
      const gone: ExecutionEvent[] = [];
      const kept: ExecutionEvent[] = [];
      const unsubscribe = await ctx.runtime.events.subscribe(id, (e) => gone.push(e));
      await ctx.runtime.events.subscribe(id, (e) => kept.push(e));
      await ctx.runtime.events.publish(event(id, 'RUNNING'));
      await vi.waitFor(() => expect(gone).toHaveLength(1), wait());
      await unsubscribe();
      await ctx.runtime.events.publish(event(id, 'SUCCESS', true));
      await vi.waitFor(() => expect(kept).toHaveLength(2), wait());
      await sleep(ctx.options.quietMs);
      expect(gone).toEqual([event(id, 'RUNNING')]);
    });

    it('delivers to every listener of an execution', async () => {
      const id = newId();
      const a: ExecutionEvent[] = [];
      const b: ExecutionEvent[] = [];
      await ctx.runtime.events.subscribe(id, (e) => a.push(e));
      await ctx.runtime.events.subscribe(id, (e) => b.push(e));
      await ctx.runtime.events.publish(event(id, 'FAILED', true));
      await vi.waitFor(() => expect([a, b]).toEqual([[event(id, 'FAILED', true)], [event(id, 'FAILED', true)]]), wait());
    });

    // Only a store shared by several instances can be held to this; the memory runtime has none.
    if (ctx.options.sharedStore) it('delivers an event published through another instance', async () => {
      const other = await ctx.another();
      const id = newId();
      const seen: ExecutionEvent[] = [];
      await ctx.runtime.events.subscribe(id, (e) => seen.push(e));
      await other.events.publish(event(id, 'SUCCESS', true));
      await vi.waitFor(() => expect(seen).toEqual([event(id, 'SUCCESS', true)]), wait());
    });
  });
}
