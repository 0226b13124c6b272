import type { ScheduleConsumer, ScheduleSpec, ScheduleTickEvent, ScheduleTickHandler, StoredSchedule } from '@sluice/engine';
import type { Guard } from './guard.js';
import { storedOf, tickOf } from './schedule-chain.js';

/** One schedule's chain as the clock runs it; a runtime may keep more in it. */
export interface ClockEntry {
  spec: ScheduleSpec;
  /** Bumped on every new version: a tick of an older generation is dropped. */
  gen: number;
  head: Date | undefined;
  previous: Date | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The head is due but no consumer was there to take it. */
  waiting: boolean;
}

/** Options of {@link createScheduleTimers}. */
export interface ScheduleTimersOptions<E extends ClockEntry> {
  /** Told about a handler that still rejects after its retries, and about a calendar that throws. */
  readonly onError?: (error: unknown, context: string) => void;
  /** Deliveries of one tick whose handler rejects. Default 3. */
  readonly attempts?: number;
  /** Delay between two deliveries of a tick whose handler rejected, in ms. Default 1000. */
  readonly retryDelayMs?: number;
  /** Told about a tick handed to a handler, before the chain moves past it. */
  readonly onHandOut?: (entry: E, date: Date) => void;
  /** Told once the handler of a tick ended, whether it succeeded or gave up. */
  readonly onHandled?: (entry: E, date: Date) => void;
}

/** The timers, consumers and deliveries of a schedule clock; the runtime owns upsert and remove. */
export interface ScheduleTimers<E extends ClockEntry> {
  /** The live chains by schedule id. */
  readonly entries: ReadonlyMap<string, E>;
  /** A generation for a new entry. */
  generation(): number;
  /** The entry's next tick after `after`, or none when its calendar ended or threw (reported). */
  nextOf(entry: E, after: Date): Date | undefined;
  /** Makes `entry` its schedule's live chain, in place of `replaced`, and arms its timer. */
  install(entry: E, replaced: E | undefined): void;
  /** Stops a schedule's chain: its ticks in flight are dropped. */
  drop(id: string, current: E | undefined): void;
  /** The live chains, as `list()` answers them. */
  list(): StoredSchedule[];
  consume(handler: ScheduleTickHandler): ScheduleConsumer;
  /** Stops every timer and consumer, waiting up to `graceMs` for the handlers running. */
  close(graceMs?: number): Promise<void>;
}

// setTimeout fires at once past 2^31 - 1 ms (about 24.8 days): longer waits are taken in steps.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The schedule clock in process: one timer per schedule, armed at its next tick. When it fires,
 * the tick after it is computed and armed first, then the tick is handed to a consumer (round
 * robin), again `attempts` times while its handler rejects. A tick that falls due while no
 * consumer runs waits for one (and the ticks after it follow in order, as on Redis). Where the
 * chains are kept, and from where they start, is the runtime's.
 */
export function createScheduleTimers<E extends ClockEntry>(guard: Guard, options: ScheduleTimersOptions<E> = {}): ScheduleTimers<E> {
  const entries = new Map<string, E>();
  const consumers: { handler: ScheduleTickHandler; closed: boolean }[] = [];
  const running = new Set<Promise<void>>();
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const report = options.onError ?? (() => undefined);
  const { onHandOut, onHandled } = options;
  let turn = 0;
  let generations = 0;

  const arm = (entry: E): void => {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    if (guard.closed || entry.head === undefined) return;
    const wait = entry.head.getTime() - Date.now();
    entry.timer = setTimeout(() => due(entry), Math.max(0, Math.min(wait, MAX_TIMER_MS)));
    entry.timer.unref();
  };

  const nextOf = (entry: E, after: Date): Date | undefined => {
    try {
      return entry.spec.next(after);
    } catch (error) {
      report(error, `schedule ${entry.spec.id}: next tick`);
      return undefined;
    }
  };

  const due = (entry: E): void => {
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
    const tick = tickOf(entry.spec, date, entry.previous, next);
    onHandOut?.(entry, date);
    entry.previous = date;
    entry.head = next;
    arm(entry);
    const delivered = deliver(consumer.handler, tick, entry, entry.gen);
    const work = onHandled ? delivered.finally(() => onHandled(entry, date)) : delivered;
    running.add(work);
    void work.finally(() => running.delete(work));
  };

  const deliver = async (handler: ScheduleTickHandler, tick: ScheduleTickEvent, entry: E, gen: number): Promise<void> => {
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

  async function settle(graceMs: number): Promise<void> {
    if (running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running), new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, graceMs))))]);
    clearTimeout(timer);
  }

  return {
    entries,
    generation: () => ++generations,
    nextOf,
    install(entry, replaced) {
      if (replaced) clearTimeout(replaced.timer);
      entries.set(entry.spec.id, entry);
      arm(entry);
    },
    drop(id, current) {
      if (current) clearTimeout(current.timer);
      entries.delete(id);
    },
    list: () => [...entries.values()].map(({ spec, head, previous }) => storedOf(spec, head, previous)),
    consume(handler) {
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
}
