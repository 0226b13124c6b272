import type { TriggerWindowEntry } from '@sluice/core';

/**
 * The pure rules of `TriggerStateRepository.recordWindow`, applied by every runtime to the
 * value it keeps per trigger (memory and SQLite in one step, Redis by compare-and-set).
 */

/** How many recorded executions a window remembers, so a record repeated after a crash answers as the first. */
export const WINDOW_SEEN_LIMIT = 256;

/** What the store keeps of one trigger's window. */
export interface StoredTriggerWindow {
  /** The window's id (the preconditions' id). */
  readonly id: string;
  /** Fixed bounds (epoch ms, end excluded); absent for a sliding window. */
  readonly start?: number;
  readonly end?: number;
  /** The conditions met so far: key → the execution that met it last, and when it counts. */
  readonly met: Readonly<Record<string, { readonly by: string; readonly at: number }>>;
  /** The last executions recorded, oldest first, and whether each fired the trigger. */
  readonly seen: readonly { readonly id: string; readonly fired: boolean }[];
}

/** The outcome of one record: the value to store (unchanged when `changed` is false) and whether it fires. */
export interface WindowRecordOutcome {
  readonly window: StoredTriggerWindow;
  readonly fired: boolean;
  readonly changed: boolean;
}

/**
 * Records that `executionId` meets `entry.met` at `entry.at`:
 * - an execution recorded before answers as it did then, and changes nothing;
 * - fixed bounds: the stored window is kept when its bounds are the entry's, replaced by the
 *   entry's window when that starts later (the stored one ended, or the trigger's window
 *   changed), and an execution of an older window than the stored one is not counted;
 * - sliding: met conditions older than the newest by more than `slidingMs` are dropped, and an
 *   execution that old is not counted;
 * - met conditions no longer among `entry.conditions`, or of another window id, are forgotten;
 * - it fires when every condition is met; with `resetOnSuccess` the met conditions are cleared.
 */
export function applyWindowEntry(stored: StoredTriggerWindow | undefined, executionId: string, entry: TriggerWindowEntry): WindowRecordOutcome {
  const prior = stored?.seen.find((s) => s.id === executionId);
  if (stored && prior) return { window: stored, fired: prior.fired, changed: false };
  const same = stored?.id === entry.id ? stored : undefined;
  const met: Record<string, { by: string; at: number }> = {};
  for (const [key, value] of Object.entries(same?.met ?? {})) if (entry.conditions.includes(key)) met[key] = { ...value };
  let counted = true;
  let bounds: { start?: number; end?: number } = {};
  if ('slidingMs' in entry.bounds) {
    const newest = Math.max(entry.at, ...Object.values(met).map((m) => m.at));
    const oldest = newest - entry.bounds.slidingMs;
    for (const [key, value] of Object.entries(met)) if (value.at < oldest) delete met[key];
    counted = entry.at >= oldest;
  } else {
    const { start, end } = entry.bounds;
    bounds = { start, end };
    if (same?.start === start && same.end === end) {
      // The same window: keep what it met.
    } else if (same?.start !== undefined && start < same.start) {
      // An execution of a window older than the stored one (a late record): it joins nothing.
      counted = false;
      bounds = { start: same.start, ...(same.end !== undefined ? { end: same.end } : {}) };
    } else {
      for (const key of Object.keys(met)) delete met[key];
    }
    counted &&= entry.at >= start && entry.at < end;
  }
  if (counted) {
    for (const key of entry.met) {
      if (!entry.conditions.includes(key)) continue;
      const had = met[key];
      if (!had || had.at <= entry.at) met[key] = { by: executionId, at: entry.at };
    }
  }
  const fired = counted && entry.conditions.length > 0 && entry.conditions.every((key) => met[key] !== undefined);
  const kept = fired && entry.resetOnSuccess ? {} : met;
  const seen = [...(stored?.seen ?? []), { id: executionId, fired }].slice(-WINDOW_SEEN_LIMIT);
  return { window: { id: entry.id, ...bounds, met: kept, seen }, fired, changed: true };
}
