import { describe, expect, it, vi } from 'vitest';
import type { Execution, ExecutionEvent } from '@sluice/engine';
import { newId, withState } from '@sluice/engine';
import { anExecution } from './builders.js';
import { sleep, type ContractContext } from './harness.js';

function event(executionId: string, state: ExecutionEvent['state'], terminated = false): ExecutionEvent {
  return { executionId, state, terminated };
}

/** The header of an event, without the execution a terminal one may carry. */
const head = ({ executionId, state, terminated }: ExecutionEvent): ExecutionEvent => ({ executionId, state, terminated });

/** ExecutionEvents: delivery after subscribe, per execution, in order; unsubscribe; events announced by a save. */
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

    it('announces the events of a save in order, once the execution is stored: a listener that reads it finds the state announced', async () => {
      const created = anExecution();
      await ctx.runtime.executions.create(created);
      const running: Execution = { ...created, state: withState(created.state, 'RUNNING') };
      const ended: Execution = { ...running, state: withState(running.state, 'SUCCESS'), outputs: { n: 1 } };
      const heard: { event: ExecutionEvent; read: Promise<Execution | undefined> }[] = [];
      await ctx.runtime.events.subscribe(created.id, (e) => heard.push({ event: e, read: ctx.runtime.executions.get(created.id) }));
      await ctx.runtime.executions.save(running, { announce: [event(created.id, 'RUNNING')] });
      await vi.waitFor(() => expect(heard).toHaveLength(1), wait());
      await ctx.runtime.executions.save(ended, { announce: [event(created.id, 'SUCCESS', true)] });
      await vi.waitFor(() => expect(heard).toHaveLength(2), wait());
      expect(heard.map((h) => head(h.event))).toEqual([event(created.id, 'RUNNING'), event(created.id, 'SUCCESS', true)]);
      expect((await heard[0]!.read)?.state.current).toBe('RUNNING');
      expect(await heard[1]!.read).toEqual(ended);
    });

    it('announces several events of one save in the order given, and none for a save without events', async () => {
      const created = anExecution();
      await ctx.runtime.executions.create(created);
      const seen: ExecutionEvent[] = [];
      await ctx.runtime.events.subscribe(created.id, (e) => seen.push(e));
      const running: Execution = { ...created, state: withState(created.state, 'RUNNING') };
      await ctx.runtime.executions.save(running);
      await ctx.runtime.executions.save(running, { announce: [] });
      const ended: Execution = { ...running, state: withState(running.state, 'WARNING') };
      await ctx.runtime.executions.save(ended, { announce: [event(created.id, 'RUNNING'), event(created.id, 'WARNING', true)] });
      await vi.waitFor(() => expect(seen).toHaveLength(2), wait());
      await sleep(ctx.options.quietMs);
      expect(seen.map(head)).toEqual([event(created.id, 'RUNNING'), event(created.id, 'WARNING', true)]);
      // Only a terminal event may carry the execution, and then the one just saved.
      expect(seen[0]!.execution).toBeUndefined();
      if (seen[1]!.execution !== undefined) expect(seen[1]!.execution).toEqual(ended);
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
