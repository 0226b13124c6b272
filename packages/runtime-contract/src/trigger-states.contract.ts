import { describe, expect, it } from 'vitest';
import type { TriggerKey } from '@sluice/engine';
import type { TriggerWindowEntry } from '@sluice/core';
import { sleep, type ContractContext } from './harness.js';
import { uniqueTenant } from './builders.js';

const aKey = (overrides: Partial<TriggerKey> = {}): TriggerKey => ({
  tenantId: uniqueTenant(), namespace: 'company.team', flowId: 'orders', triggerId: 'poll', ...overrides,
});

const windowEntry = (met: string[], at: number, overrides: Partial<TriggerWindowEntry> = {}): TriggerWindowEntry => ({
  id: 'both', conditions: ['condition_1', 'condition_2'], met, at, bounds: { start: 0, end: 10_000 }, resetOnSuccess: true, ...overrides,
});

/** TriggerStateRepository: leases taken once, renewed, expired and taken over; fenced writes; the API's flag. */
export function describeTriggerStateRepository(ctx: ContractContext): void {
  describe('trigger states', () => {
    it('gives a free lease to the first holder and refuses a second while it is live', async () => {
      const key = aKey();
      const taken = await ctx.runtime.triggers.acquire(key, 'a', 60_000);
      expect(taken).toMatchObject({ key, holder: 'a', executions: 0, errors: 0, rejected: 0, disabled: false });
      expect(taken?.leaseUntil).toBeGreaterThan(Date.now());
      expect(await ctx.runtime.triggers.acquire(key, 'b', 60_000)).toBeUndefined();
      expect((await ctx.runtime.triggers.get(key))?.holder).toBe('a');
    });

    it('renews a lease for its holder, and hands an expired one to another', async () => {
      const key = aKey();
      const first = await ctx.runtime.triggers.acquire(key, 'a', 300);
      const renewed = await ctx.runtime.triggers.acquire(key, 'a', 60_000);
      expect(renewed?.holder).toBe('a');
      expect(renewed?.leaseUntil).toBeGreaterThan(first?.leaseUntil ?? Infinity);
      const short = aKey();
      await ctx.runtime.triggers.acquire(short, 'a', 200);
      await sleep(300);
      expect((await ctx.runtime.triggers.acquire(short, 'b', 60_000))?.holder).toBe('b');
    });

    it('fences writes: only the holder changes the state, and not once another took the lease over', async () => {
      const key = aKey();
      await ctx.runtime.triggers.acquire(key, 'a', 200);
      expect(await ctx.runtime.triggers.update(key, 'a', { cursor: { offset: 1 }, addExecutions: 2 })).toBe(true);
      expect(await ctx.runtime.triggers.update(key, 'b', { cursor: { offset: 99 } })).toBe(false);
      await sleep(300);
      await ctx.runtime.triggers.acquire(key, 'b', 60_000);
      expect(await ctx.runtime.triggers.update(key, 'a', { cursor: { offset: 0 } })).toBe(false);
      const state = await ctx.runtime.triggers.get(key);
      expect(state).toMatchObject({ holder: 'b', cursor: { offset: 1 }, executions: 2 });
      // Never held: nothing to write to.
      expect(await ctx.runtime.triggers.update(aKey(), 'a', { addErrors: 1 })).toBe(false);
    });

    it('keeps every part of an update, adds counters, and clears the last error', async () => {
      const key = aKey();
      await ctx.runtime.triggers.acquire(key, 'a', 60_000);
      const cursor = { ids: [1, 2], nested: { empty: [], none: null, text: 'é' } };
      await ctx.runtime.triggers.update(key, 'a', {
        cursor, lastEvaluatedAt: 1000, nextPollAt: 2000, lastExecutionId: 'x1', lastError: { message: 'down', at: 1500 }, addExecutions: 3, addErrors: 1,
      });
      await ctx.runtime.triggers.update(key, 'a', { addExecutions: 1, addErrors: 2, addRejected: 2 });
      await ctx.runtime.triggers.update(key, 'a', { addRejected: 1 });
      expect(await ctx.runtime.triggers.get(key)).toMatchObject({
        cursor, lastEvaluatedAt: 1000, nextPollAt: 2000, lastExecutionId: 'x1', lastError: { message: 'down', at: 1500 }, executions: 4, errors: 3, rejected: 3,
      });
      await ctx.runtime.triggers.update(key, 'a', { lastError: null, cursor: 'plain' });
      const state = await ctx.runtime.triggers.get(key);
      expect(state?.lastError).toBeUndefined();
      expect(state?.cursor).toBe('plain');
    });

    it('releases a lease only for its holder, so another takes it at once', async () => {
      const key = aKey();
      await ctx.runtime.triggers.acquire(key, 'a', 60_000);
      expect(await ctx.runtime.triggers.release(key, 'b')).toBe(false);
      expect(await ctx.runtime.triggers.release(key, 'a')).toBe(true);
      expect((await ctx.runtime.triggers.get(key))?.holder).toBeUndefined();
      expect((await ctx.runtime.triggers.acquire(key, 'b', 60_000))?.holder).toBe('b');
    });

    it('sets the API flag on a trigger with or without state, keeping its lease and cursor', async () => {
      const fresh = aKey();
      expect(await ctx.runtime.triggers.setDisabled(fresh, true)).toMatchObject({ key: fresh, disabled: true, executions: 0 });
      expect((await ctx.runtime.triggers.get(fresh))?.disabled).toBe(true);
      const held = aKey();
      await ctx.runtime.triggers.acquire(held, 'a', 60_000);
      await ctx.runtime.triggers.update(held, 'a', { cursor: 7 });
      await ctx.runtime.triggers.setDisabled(held, true);
      expect(await ctx.runtime.triggers.get(held)).toMatchObject({ holder: 'a', cursor: 7, disabled: true });
      expect((await ctx.runtime.triggers.acquire(held, 'a', 60_000))?.disabled).toBe(true);
      expect((await ctx.runtime.triggers.setDisabled(held, false)).disabled).toBe(false);
    });

    it('notes executions a webhook started: counts add up, and the newest is kept whatever order the notes land in', async () => {
      const key = aKey({ triggerId: 'hook' });
      await ctx.runtime.triggers.noteStarts(key, { count: 3, lastExecutionId: 'e3', at: 3000 });
      await ctx.runtime.triggers.noteStarts(key, { count: 2, lastExecutionId: 'e1', at: 1000 }); // another process's older batch
      expect(await ctx.runtime.triggers.get(key)).toMatchObject({ key, executions: 5, lastExecutionId: 'e3', lastEvaluatedAt: 3000, disabled: false });
      await ctx.runtime.triggers.noteStarts(key, { count: 1, lastExecutionId: 'e4', at: 4000 });
      expect(await ctx.runtime.triggers.get(key)).toMatchObject({ executions: 6, lastExecutionId: 'e4', lastEvaluatedAt: 4000 });
      expect((await ctx.runtime.triggers.list(key.tenantId)).map((s) => s.key)).toEqual([key]);
    });

    it('keeps who disabled a trigger while it is disabled, and forgets it when enabled', async () => {
      const key = aKey();
      const by = { kind: 'stopAfter', executionId: 'e1', state: 'FAILED', at: 1234 } as const;
      expect(await ctx.runtime.triggers.setDisabled(key, true, by)).toMatchObject({ disabled: true, disabledBy: by, rejected: 0 });
      expect((await ctx.runtime.triggers.get(key))?.disabledBy).toEqual(by);
      await ctx.runtime.triggers.setDisabled(key, true, { kind: 'api', user: 'ada', at: 2000 });
      expect((await ctx.runtime.triggers.get(key))?.disabledBy).toEqual({ kind: 'api', user: 'ada', at: 2000 });
      const enabled = await ctx.runtime.triggers.setDisabled(key, false, { kind: 'api', at: 3000 });
      expect(enabled.disabled).toBe(false);
      expect(enabled.disabledBy).toBeUndefined();
      expect((await ctx.runtime.triggers.get(key))?.disabledBy).toBeUndefined();
    });

    it('lists a tenant\'s states by namespace prefix and flow, and deletes one', async () => {
      const tenantId = uniqueTenant();
      const keys = [
        aKey({ tenantId, namespace: 'company', flowId: 'a' }),
        aKey({ tenantId, namespace: 'company.team', flowId: 'b', triggerId: 'one' }),
        aKey({ tenantId, namespace: 'company.team', flowId: 'b', triggerId: 'two' }),
        aKey({ tenantId, namespace: 'companyx', flowId: 'c' }),
      ];
      for (const key of keys) await ctx.runtime.triggers.setDisabled(key, false);
      await ctx.runtime.triggers.setDisabled(aKey(), false); // another tenant
      expect((await ctx.runtime.triggers.list(tenantId)).map((s) => s.key)).toEqual(keys);
      expect((await ctx.runtime.triggers.list(tenantId, { namespace: 'company' })).map((s) => s.key)).toEqual(keys.slice(0, 3));
      expect((await ctx.runtime.triggers.list(tenantId, { namespace: 'company.team', flowId: 'b' })).map((s) => s.key.triggerId)).toEqual(['one', 'two']);
      expect(await ctx.runtime.triggers.delete(keys[1] as TriggerKey)).toBe(true);
      expect(await ctx.runtime.triggers.delete(keys[1] as TriggerKey)).toBe(false);
      expect(await ctx.runtime.triggers.get(keys[1] as TriggerKey)).toBeUndefined();
      expect(await ctx.runtime.triggers.list(tenantId, { flowId: 'b' })).toHaveLength(1);
    });

    it('gives one lease to one of many holders racing for it', async () => {
      const key = aKey();
      const others = ctx.options.sharedStore ? await Promise.all([ctx.another(), ctx.another()]) : [ctx.runtime, ctx.runtime];
      const runtimes = [ctx.runtime, ...others];
      const results = await Promise.all(runtimes.flatMap((runtime, i) => [0, 1].map((j) => runtime.triggers.acquire(key, `h${i}-${j}`, 60_000))));
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });

    it('records a window: fires when its conditions are all met, once per execution that completes it, and answers a repeat alike', async () => {
      const key = aKey({ triggerId: 'after_both' });
      const t = ctx.runtime.triggers;
      expect(await t.recordWindow(key, 'a1', windowEntry(['condition_1'], 10))).toEqual({ fired: false });
      expect(await t.recordWindow(key, 'b1', windowEntry(['condition_2'], 20))).toEqual({ fired: true });
      // A redelivered record changes nothing: it fires again only for the host to find its execution stored.
      expect(await t.recordWindow(key, 'b1', windowEntry(['condition_2'], 20))).toEqual({ fired: true });
      expect(await t.recordWindow(key, 'a1', windowEntry(['condition_1'], 10))).toEqual({ fired: false });
      // Reset on success: it takes both again.
      expect(await t.recordWindow(key, 'b2', windowEntry(['condition_2'], 30))).toEqual({ fired: false });
      // A later window starts over; deleting the trigger forgets the window.
      expect(await t.recordWindow(key, 'a2', windowEntry(['condition_1'], 10_010, { bounds: { start: 10_000, end: 20_000 } }))).toEqual({ fired: false });
      await t.setDisabled(key, false);
      await t.delete(key);
      expect(await t.recordWindow(key, 'b3', windowEntry(['condition_2'], 10_020, { bounds: { start: 10_000, end: 20_000 } }))).toEqual({ fired: false });
    });

    it('fires a window exactly once when many executions complete it at the same moment', async () => {
      const key = aKey({ triggerId: 'race' });
      const others = ctx.options.sharedStore ? await Promise.all([ctx.another(), ctx.another()]) : [ctx.runtime, ctx.runtime];
      const runtimes = [ctx.runtime, ...others];
      await ctx.runtime.triggers.recordWindow(key, 'a', windowEntry(['condition_1'], 10));
      const outcomes = await Promise.all(runtimes.flatMap((runtime, i) => [0, 1].map((j) => runtime.triggers.recordWindow(key, `b${i}-${j}`, windowEntry(['condition_2'], 20)))));
      expect(outcomes.filter((o) => o.fired)).toHaveLength(1);
    });

    it('shares state between instances on one store: a lease taken on one is refused on the other', async () => {
      if (!ctx.options.sharedStore) return;
      const other = await ctx.another();
      const key = aKey();
      await ctx.runtime.triggers.acquire(key, 'a', 60_000);
      expect(await other.triggers.acquire(key, 'b', 60_000)).toBeUndefined();
      await other.triggers.setDisabled(key, true);
      expect((await ctx.runtime.triggers.get(key))?.disabled).toBe(true);
    });
  });
}
