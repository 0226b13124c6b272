import type { ScheduleClock, ScheduleConsumer, ScheduleSpec, ScheduleTickEvent, ScheduleTickHandler, StoredSchedule } from '@sluice/engine';
import type { Guard } from './guard.js';

/** Options of {@link createMemorySchedules}. */
export interface MemorySchedulesOptions {
  /** Told about a handler that still rejects after its retries, and about a calendar that throws. */
  readonly onError?: (error: unknown, context: string) => void;
  /** Deliveries of one tick whose handler rejects, 1 s apart. Default 3. */
  readonly attempts?: number;
  /** Delay between two deliveries of a tick whose handler rejected, in ms. Default 1000. */
  readonly retryDelayMs?: number;
}

/** The clock, plus what closing the runtime needs. */
export interface MemorySchedules extends ScheduleClock {
  /** Stops every timer and consumer. */
  close(graceMs?: number): Promise<void>;
}

interface Entry {
  spec: ScheduleSpec;
  /** Bumped on every new version: a tick of an older generation is dropped. */
  gen: number;
  head: Date | undefined;
  previous: Date | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The head is due but no consumer was there to take it. */
  waiting: boolean;
}

// setTimeout fires at once past 2^31 - 1 ms (about 24.8 days): longer waits are taken in steps.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The schedule clock in process: one timer per schedule, armed at its next tick. When it fires,
 * the tick after it is computed and armed first, then the tick is handed to a consumer. A tick
 * that falls due while no consumer runs waits for one (and the ticks after it follow in order,
 * as on Redis). Nothing survives a restart, like the rest of the memory runtime.
 */
export function createMemorySchedules(guard: Guard, options: MemorySchedulesOptions = {}): MemorySchedules {
  const entries = new Map<string, Entry>();
  const removed = new Map<string, number>();
  const consumers: { handler: ScheduleTickHandler; closed: boolean }[] = [];
  const running = new Set<Promise<void>>();
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const report = options.onError ?? (() => undefined);
  let turn = 0;
  let generations = 0;

  const arm = (entry: Entry): void => {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (guard.closed || entry.head === undefined) return;
    const wait = entry.head.getTime() - Date.now();
    entry.timer = setTimeout(() => due(entry), Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    entry.timer.unref();
  };

  const nextOf = (entry: Entry, after: Date): Date | undefined => {
    try {
      return entry.spec.next(after);
    } catch (error) {
      report(error, `schedule ${entry.spec.id}: next tick`);
      return undefined;
    }
  };

  const due = (entry: Entry): void => {
    entry.timer = undefined;
    const date = entry.head;
    if (date === undefined || entries.get(entry.spec.id) !== entry) return;
    if (date.getTime() > Date.now()) return arm(entry);
    const consumer = pick();
    if (!consumer) {
      entry.waiting = true;
      return;
    }
    entry.waiting = false;
    const next = nextOf(entry, date);
    const tick: ScheduleTickEvent = {
      scheduleId: entry.spec.id,
      flowKey: entry.spec.flowKey,
      triggerId: entry.spec.triggerId,
      date,
      ...(entry.previous ? { previous: entry.previous } : {}),
      ...(next ? { next } : {}),
    };
    entry.previous = date;
    entry.head = next;
    arm(entry);
    const work = deliver(consumer.handler, tick, entry, entry.gen);
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  const deliver = async (handler: ScheduleTickHandler, tick: ScheduleTickEvent, entry: Entry, gen: number): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      // Removed or changed since: the tick belongs to a schedule that no longer exists as it was.
      if (guard.closed || entries.get(tick.scheduleId) !== entry || entry.gen !== gen) return;
      try {
        await handler(tick);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          report(error, `schedule ${tick.scheduleId}: tick ${tick.date.toISOString()} failed ${attempts} times`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs).unref());
      }
    }
  };

  const pick = () => {
    const open = consumers.filter((c) => !c.closed);
    if (open.length === 0) return undefined;
    turn = (turn + 1) % open.length;
    return open[turn];
  };

  return {
    async upsert(spec) {
      guard.check();
      const tombstone = removed.get(spec.id);
      if (tombstone !== undefined && tombstone >= spec.revision) return;
      removed.delete(spec.id);
      const current = entries.get(spec.id);
      if (current && current.spec.revision > spec.revision) return;
      if (current && current.spec.version === spec.version) {
        current.spec = spec;
        return;
      }
      // A new chain: from the old chain's head when it is already due (no tick lost at the
      // moment of a change), else from now.
      const now = Date.now();
      const after = current?.head !== undefined && current.head.getTime() <= now ? new Date(current.head.getTime() - 1) : new Date(now);
      if (current) clearTimeout(current.timer);
      const entry: Entry = { spec, gen: ++generations, head: undefined, previous: current?.previous, timer: undefined, waiting: false };
      entry.head = nextOf(entry, after);
      entries.set(spec.id, entry);
      arm(entry);
    },
    async remove(id, revision) {
      guard.check();
      const current = entries.get(id);
      if (current && current.spec.revision > revision) return;
      if (current) clearTimeout(current.timer);
      entries.delete(id);
      removed.set(id, Math.max(revision, removed.get(id) ?? revision));
    },
    async list(): Promise<readonly StoredSchedule[]> {
      guard.check();
      return [...entries.values()].map(({ spec, head, previous }) => ({
        id: spec.id,
        flowKey: spec.flowKey,
        triggerId: spec.triggerId,
        revision: spec.revision,
        version: spec.version,
        ...(head ? { next: head } : {}),
        ...(previous ? { previous } : {}),
      }));
    },
    consume(handler): ScheduleConsumer {
      guard.check();
      const consumer = { handler, closed: false };
      consumers.push(consumer);
      for (const entry of entries.values()) if (entry.waiting) due(entry);
      return {
        async close(graceMs = 10_000) {
          consumer.closed = true;
          consumers.splice(consumers.indexOf(consumer), 1);
          await settle(graceMs);
        },
      };
    },
    async close(graceMs = 0) {
      for (const entry of entries.values()) clearTimeout(entry.timer);
      consumers.splice(0).forEach((c) => (c.closed = true));
      await settle(graceMs);
    },
  };

  async function settle(graceMs: number): Promise<void> {
    if (running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, graceMs))))]);
    clearTimeout(timer);
  }
}
