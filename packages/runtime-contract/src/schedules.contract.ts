import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Runtime, ScheduleConsumer, ScheduleSpec, ScheduleTickEvent } from '@sluice/engine';
import { sleep, type ContractContext } from './harness.js';
import { uniqueTenant } from './builders.js';

/** A calendar ticking every `stepMs`, aligned on multiples of it (plus `offsetMs`). */
function every(stepMs: number, offsetMs = 0): (after: Date) => Date {
  return (after) => new Date(Math.floor((after.getTime() - offsetMs) / stepMs) * stepMs + stepMs + offsetMs);
}

/** A spec of a schedule no other test uses. */
function aSpec(overrides: Partial<ScheduleSpec> = {}): ScheduleSpec {
  const tenantId = uniqueTenant();
  const flowKey = { tenantId, namespace: 'company.team', id: 'tick' };
  return { id: `${tenantId}/company.team/tick/schedule`, flowKey, triggerId: 'schedule', revision: 1, version: 'v1', next: every(250), ...overrides };
}

/** Ticks of one schedule as a consumer received them, with the time each arrived. */
function recorder(id: string) {
  const ticks: (ScheduleTickEvent & { readonly at: number })[] = [];
  const handler = async (tick: ScheduleTickEvent) => {
    if (tick.scheduleId === id) ticks.push({ ...tick, at: Date.now() });
  };
  return { ticks, handler, dates: () => ticks.map((t) => t.date.getTime()) };
}

/** True when `dates` go up by exactly `stepMs` each time. */
function contiguous(dates: readonly number[], stepMs: number): boolean {
  return dates.every((date, i) => i === 0 || date - (dates[i - 1] as number) === stepMs);
}

/** ScheduleClock: ticks at the calendar's times, once each across instances, stopped at once. */
export function describeScheduleClock(ctx: ContractContext): void {
  describe('schedules', () => {
    const consumers: ScheduleConsumer[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    const wait = () => ({ timeout: ctx.options.deliveryTimeoutMs, interval: 20 });

    /** Upserts `spec` through `runtime` and removes it after the test, so no chain outlives it. */
    async function schedule(runtime: Runtime, spec: ScheduleSpec): Promise<void> {
      await runtime.schedules.upsert(spec);
      cleanups.push(() => runtime.schedules.remove(spec.id, Number.MAX_SAFE_INTEGER).catch(() => undefined));
    }

    function consume(runtime: Runtime, handler: (tick: ScheduleTickEvent) => Promise<void>): ScheduleConsumer {
      const consumer = runtime.schedules.consume(handler);
      consumers.push(consumer);
      return consumer;
    }

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
      await Promise.all(consumers.splice(0).map((consumer) => consumer.close(0)));
    });

    it('delivers ticks at the calendar times, in order, never before they are due, with next and previous', async () => {
      const spec = aSpec();
      const { ticks, handler, dates } = recorder(spec.id);
      consume(ctx.runtime, handler);
      await schedule(ctx.runtime, spec);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(4), wait());
      expect(contiguous(dates(), 250)).toBe(true);
      for (const tick of ticks) {
        expect(tick.date.getTime() % 250).toBe(0);
        expect(tick.at).toBeGreaterThanOrEqual(tick.date.getTime());
        expect(tick.next?.getTime()).toBe(tick.date.getTime() + 250);
        expect(tick.flowKey).toEqual(spec.flowKey);
        expect(tick.triggerId).toBe('schedule');
      }
      expect(ticks[1]?.previous?.getTime()).toBe(ticks[0]?.date.getTime());
    });

    it('lists a schedule with its next tick', async () => {
      const spec = aSpec();
      await schedule(ctx.runtime, spec);
      const listed = (await ctx.runtime.schedules.list()).find((s) => s.id === spec.id);
      expect(listed).toMatchObject({ id: spec.id, flowKey: spec.flowKey, triggerId: 'schedule', revision: 1, version: 'v1' });
      expect(listed?.next?.getTime()).toBeGreaterThan(Date.now() - 1000);
    });

    it('lists the last tick it delivered as previous, none before the first', async () => {
      const spec = aSpec();
      await schedule(ctx.runtime, spec);
      expect((await ctx.runtime.schedules.list()).find((s) => s.id === spec.id)?.previous).toBeUndefined();
      const { ticks, handler, dates } = recorder(spec.id);
      consume(ctx.runtime, handler);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(2), wait());
      const listed = (await ctx.runtime.schedules.list()).find((s) => s.id === spec.id);
      const previous = listed?.previous?.getTime();
      expect(previous).toBeGreaterThanOrEqual(ticks[1]?.date.getTime() ?? Infinity);
      expect(listed?.next?.getTime()).toBeGreaterThan(previous ?? Infinity);
      // A tick is listed once taken, which may be a moment before its handler runs.
      await vi.waitFor(() => expect(dates()).toContain(previous), wait());
    });

        it('keeps one chain when the same version is upserted again (a restart, a resync)', async () => {
      const spec = aSpec();
      const { ticks, handler, dates } = recorder(spec.id);
      consume(ctx.runtime, handler);
      await schedule(ctx.runtime, spec);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(1), wait());
      await ctx.runtime.schedules.upsert(spec);
      await ctx.runtime.schedules.upsert({ ...spec, revision: 2 });
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(5), wait());
      expect(new Set(dates()).size).toBe(dates().length);
      expect(contiguous(dates(), 250)).toBe(true);
    });

    it('stops delivering at once when removed, and ignores a remove of an older revision', async () => {
      const spec = aSpec({ revision: 3 });
      const { ticks, handler } = recorder(spec.id);
      consume(ctx.runtime, handler);
      await schedule(ctx.runtime, spec);
      await ctx.runtime.schedules.remove(spec.id, 2);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(2), wait());
      const removedAt = Date.now();
      await ctx.runtime.schedules.remove(spec.id, 3);
      const seen = ticks.length;
      expect((await ctx.runtime.schedules.list()).some((s) => s.id === spec.id)).toBe(false);
      await sleep(Math.max(ctx.options.quietMs, 750));
      // Ticks already handed over when remove was called may still land (two, when a late
      // consumer catches up with concurrent ticks); none that fell due after it.
      expect(ticks.length).toBeLessThanOrEqual(seen + 2);
      for (const tick of ticks) expect(tick.date.getTime()).toBeLessThanOrEqual(removedAt + 50);
      // A slower process replaying the spec it had cannot bring it back.
      await ctx.runtime.schedules.upsert(spec);
      expect((await ctx.runtime.schedules.list()).some((s) => s.id === spec.id)).toBe(false);
    });

    it('switches to the new calendar when a new version is upserted, and ignores an older revision', async () => {
      const spec = aSpec({ revision: 2 });
      const { ticks, handler } = recorder(spec.id);
      consume(ctx.runtime, handler);
      await schedule(ctx.runtime, spec);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(1), wait());
      await ctx.runtime.schedules.upsert({ ...spec, revision: 1, version: 'old', next: every(1000, 7) });
      await ctx.runtime.schedules.upsert({ ...spec, revision: 3, version: 'v2', next: every(300, 100) });
      const switched = Date.now();
      await vi.waitFor(() => expect(ticks.filter((t) => t.at > switched + 50).length).toBeGreaterThanOrEqual(3), wait());
      const later = ticks.filter((t) => t.date.getTime() > switched + 50).map((t) => t.date.getTime());
      for (const date of later) expect(date % 300).toBe(100);
      expect(new Set(ticks.map((t) => t.date.getTime())).size).toBe(ticks.length);
    });

    it('delivers ticks that fell due while nobody consumed, late and in order', async () => {
      const spec = aSpec();
      await schedule(ctx.runtime, spec);
      await sleep(900);
      const { ticks, handler, dates } = recorder(spec.id);
      const started = Date.now();
      consume(ctx.runtime, handler);
      await vi.waitFor(() => expect(ticks.filter((t) => t.date.getTime() > started).length).toBeGreaterThanOrEqual(1), wait());
      const late = ticks.filter((t) => t.date.getTime() < started);
      expect(late.length).toBeGreaterThanOrEqual(2);
      expect(contiguous(dates(), 250)).toBe(true);
    });

    it('goes on with the next tick when a handler rejects, and delivers the failed tick again', async () => {
      const spec = aSpec();
      const { ticks, handler } = recorder(spec.id);
      let failed = 0;
      consume(ctx.runtime, async (tick) => {
        if (tick.scheduleId === spec.id && failed === 0) {
          failed++;
          throw new Error('store unavailable');
        }
        await handler(tick);
      });
      await schedule(ctx.runtime, spec);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(3), { timeout: ctx.options.deliveryTimeoutMs + 3000, interval: 20 });
      expect(failed).toBe(1);
      const dates = ticks.map((t) => t.date.getTime()).sort((a, b) => a - b);
      expect(contiguous(dates, 250)).toBe(true);
    });

    // Only a store shared by several instances can be held to this; the memory runtime has none.
    if (ctx.options.sharedStore) it('delivers each tick once across two instances that both upsert and consume', async () => {
      const other = await ctx.another();
      const spec = aSpec();
      const { ticks, handler, dates } = recorder(spec.id);
      consume(ctx.runtime, handler);
      consume(other, handler);
      await Promise.all([schedule(ctx.runtime, spec), other.schedules.upsert(spec)]);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(8), wait());
      expect(new Set(dates()).size).toBe(dates().length);
      const sorted = [...dates()].sort((a, b) => a - b);
      expect(contiguous(sorted, 250)).toBe(true);
    });

    // Only a store shared by several instances can be held to this; the memory runtime has none.
    if (ctx.options.sharedStore) it('goes on through another instance when the consuming one closes, without losing or doubling a tick', async () => {
      const other = await ctx.another();
      const spec = aSpec();
      const { ticks, handler, dates } = recorder(spec.id);
      const first = consume(ctx.runtime, handler);
      await schedule(ctx.runtime, spec);
      await other.schedules.upsert(spec);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(2), wait());
      await first.close(1000);
      await sleep(600);
      consume(other, handler);
      await vi.waitFor(() => expect(ticks.length).toBeGreaterThanOrEqual(7), wait());
      expect(new Set(dates()).size).toBe(dates().length);
      expect(contiguous([...dates()].sort((a, b) => a - b), 250)).toBe(true);
    });
  });
}
