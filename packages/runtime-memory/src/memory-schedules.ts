import type { ScheduleClock, ScheduleConsumer, StoredSchedule } from '@sluice/engine';
import type { Guard } from './guard.js';
import { chainStart, isBuried } from './schedule-chain.js';
import { createScheduleTimers, type ClockEntry, type ScheduleTimersOptions } from './schedule-clock.js';

/** Options of {@link createMemorySchedules}: the clock's, as {@link ScheduleTimersOptions} describes them. */
export type MemorySchedulesOptions = Pick<ScheduleTimersOptions<ClockEntry>, 'onError' | 'attempts' | 'retryDelayMs'>;

/** The clock, plus what closing the runtime needs. */
export interface MemorySchedules extends ScheduleClock {
  /** Stops every timer and consumer. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The schedule clock in process: the {@link createScheduleTimers} timers over chains kept in a
 * map. Nothing survives a restart, like the rest of the memory runtime.
 */
export function createMemorySchedules(guard: Guard, options: MemorySchedulesOptions = {}): MemorySchedules {
  const clock = createScheduleTimers<ClockEntry>(guard, options);
  const removed = new Map<string, number>();

  return {
    async upsert(spec) {
      guard.check();
      if (isBuried(removed.get(spec.id), spec.revision)) return;
      removed.delete(spec.id);
      const current = clock.entries.get(spec.id);
      if (current && current.spec.revision > spec.revision) return;
      if (current && current.spec.version === spec.version) {
        current.spec = spec;
        return;
      }
      const entry: ClockEntry = { spec, gen: clock.generation(), head: undefined, previous: current?.previous, timer: undefined, waiting: false };
      entry.head = clock.nextOf(entry, chainStart(current?.head?.getTime(), Date.now()));
      clock.install(entry, current);
    },
    async remove(id, revision) {
      guard.check();
      const current = clock.entries.get(id);
      if (current && current.spec.revision > revision) return;
      clock.drop(id, current);
      removed.set(id, Math.max(revision, removed.get(id) ?? revision));
    },
    async list(): Promise<readonly StoredSchedule[]> {
      guard.check();
      return clock.list();
    },
    consume(handler): ScheduleConsumer {
      guard.check();
      return clock.consume(handler);
    },
    close: (graceMs) => clock.close(graceMs),
  };
}
