import type { ScheduleSpec, ScheduleTickEvent, StoredSchedule } from '@sluice/engine';

/**
 * Where a new chain of ticks starts (a new schedule, or a new version of one): from the old
 * chain's head when it is already due, so no tick is lost at the moment of a change, else from
 * now. Dates in ms; the calendar gives the first tick after the date returned.
 */
export function chainStart(oldHead: number | undefined, now: number): Date {
  return oldHead !== undefined && oldHead <= now ? new Date(oldHead - 1) : new Date(now);
}

/** True when a removal with revision `tombstone` outlives the schedule at `revision`. */
export function isBuried(tombstone: number | undefined, revision: number): boolean {
  return tombstone !== undefined && tombstone >= revision;
}

/** The tick handed to a handler: the one due at `date`, with its neighbours when there are. */
export function tickOf(spec: ScheduleSpec, date: Date, previous: Date | undefined, next: Date | undefined): ScheduleTickEvent {
  return {
    scheduleId: spec.id,
    flowKey: spec.flowKey,
    triggerId: spec.triggerId,
    date,
    ...(previous ? { previous } : {}),
    ...(next ? { next } : {}),
  };
}

/** What `list()` answers for a schedule whose chain is at `head`, its last tick delivered at `previous`. */
export function storedOf(spec: ScheduleSpec, head: Date | undefined, previous: Date | undefined): StoredSchedule {
  return {
    id: spec.id,
    flowKey: spec.flowKey,
    triggerId: spec.triggerId,
    revision: spec.revision,
    version: spec.version,
    ...(head ? { next: head } : {}),
    ...(previous ? { previous } : {}),
  };
}
