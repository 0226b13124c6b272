import type { Database } from 'better-sqlite3';
import type { FlowKey, ScheduleClock, ScheduleConsumer, StoredSchedule } from '@sluice/engine';
import { chainStart, createScheduleTimers, isBuried, type ClockEntry, type Guard, type ScheduleTimersOptions } from '@sluice/runtime-memory/in-process';
import type { GroupCommit } from './group-commit.js';

/** Options of {@link createSqliteSchedules}: the clock's, as {@link ScheduleTimersOptions} describes them. */
export interface SqliteSchedulesOptions extends Pick<ScheduleTimersOptions<Entry>, 'attempts' | 'retryDelayMs'> {
  /** Told about a handler that still rejects after its retries, a calendar that throws, a write that failed. */
  readonly onError?: (error: unknown, context: string) => void;
}

/** The clock, plus what closing the runtime needs. */
export interface SqliteSchedules extends ScheduleClock {
  /** Stops every timer and consumer. */
  close(graceMs?: number): Promise<void>;
}

/** A schedule's row: what survives a restart. Dates in ms. */
interface Row {
  readonly flowKey: FlowKey;
  readonly triggerId: string;
  readonly revision: number;
  readonly version: string;
  /** The earliest tick not yet handled: a tick being handled stays here until its handler ends. */
  readonly next?: number;
  readonly previous?: number;
}

interface Entry extends ClockEntry {
  /** Dates (ms) of ticks handed to a handler that has not ended. */
  readonly inflight: Set<number>;
}

/**
 * The schedule clock: the memory runtime's timers ({@link createScheduleTimers}), and each
 * schedule's chain in the `schedules` table. At start the stored rows wait for their
 * specs (the host upserts every schedule of its flows): the same version picks its chain up
 * where it stopped, so ticks that fell due while the process was down are delivered late and in
 * order, and a tick whose handler had not ended is delivered again (at least once: the host
 * derives the execution id from the tick). Removals leave a tombstone with their revision.
 */
export function createSqliteSchedules(db: Database, writes: GroupCommit, guard: Guard, options: SqliteSchedulesOptions = {}): SqliteSchedules {
  const upsertStmt = db.prepare('INSERT INTO schedules (id, json) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json');
  const deleteStmt = db.prepare('DELETE FROM schedules WHERE id = ?');
  const tombstoneStmt = db.prepare('INSERT INTO schedule_tombstones (id, revision) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET revision = max(revision, excluded.revision)');
  const untombStmt = db.prepare('DELETE FROM schedule_tombstones WHERE id = ?');
  const restored = new Map<string, Row>(
    (db.prepare('SELECT id, json FROM schedules').all() as { id: string; json: string }[]).map((r) => [r.id, JSON.parse(r.json) as Row]),
  );
  const removed = new Map<string, number>(
    (db.prepare('SELECT id, revision FROM schedule_tombstones').all() as { id: string; revision: number }[]).map((r) => [r.id, r.revision]),
  );
  const report = options.onError ?? (() => undefined);

  const rowOf = (entry: Entry): Row => {
    const next = Math.min(...entry.inflight, entry.head?.getTime() ?? Infinity);
    return {
      flowKey: entry.spec.flowKey,
      triggerId: entry.spec.triggerId,
      revision: entry.spec.revision,
      version: entry.spec.version,
      ...(Number.isFinite(next) ? { next } : {}),
      ...(entry.previous ? { previous: entry.previous.getTime() } : {}),
    };
  };
  const persist = (entry: Entry): Promise<void> => {
    const json = JSON.stringify(rowOf(entry));
    return writes.write(() => {
      upsertStmt.run(entry.spec.id, json);
    });
  };
  const persistQuietly = (entry: Entry): void => {
    persist(entry).catch((error: unknown) => report(error, `schedule ${entry.spec.id}: storing its next tick`));
  };

  const clock = createScheduleTimers<Entry>(guard, {
    ...options,
    onHandOut: (entry, date) => entry.inflight.add(date.getTime()),
    onHandled: (entry, date) => {
      entry.inflight.delete(date.getTime());
      if (!guard.closed && clock.entries.get(entry.spec.id) === entry) persistQuietly(entry);
    },
  });

  return {
    async upsert(spec) {
      guard.check();
      const tombstone = removed.get(spec.id);
      if (isBuried(tombstone, spec.revision)) return;
      const current = clock.entries.get(spec.id);
      const stored = current ? undefined : restored.get(spec.id);
      if (current && current.spec.revision > spec.revision) return;
      if (stored && stored.revision > spec.revision) return;
      if (current && current.spec.version === spec.version) {
        const moved = current.spec.revision !== spec.revision;
        current.spec = spec;
        if (moved) await persist(current);
        return;
      }
      const entry: Entry = { spec, gen: clock.generation(), head: undefined, previous: undefined, timer: undefined, waiting: false, inflight: new Set() };
      if (stored && stored.version === spec.version) {
        // The chain as it was when the process stopped, ticks missed since included.
        entry.head = stored.next === undefined ? undefined : new Date(stored.next);
        entry.previous = stored.previous === undefined ? undefined : new Date(stored.previous);
      } else {
        const after = chainStart(current ? current.head?.getTime() : stored?.next, Date.now());
        entry.previous = current ? current.previous : stored?.previous === undefined ? undefined : new Date(stored.previous);
        entry.head = clock.nextOf(entry, after);
      }
      const json = JSON.stringify(rowOf(entry));
      await writes.write(() => {
        upsertStmt.run(spec.id, json);
        if (tombstone !== undefined) untombStmt.run(spec.id);
      });
      if (tombstone !== undefined) removed.delete(spec.id);
      restored.delete(spec.id);
      clock.install(entry, current);
    },
    async remove(id, revision) {
      guard.check();
      const current = clock.entries.get(id);
      const storedRevision = current?.spec.revision ?? restored.get(id)?.revision;
      if (storedRevision !== undefined && storedRevision > revision) return;
      const tombstone = Math.max(revision, removed.get(id) ?? revision);
      await writes.write(() => {
        deleteStmt.run(id);
        tombstoneStmt.run(id, tombstone);
      });
      clock.drop(id, current);
      restored.delete(id);
      removed.set(id, tombstone);
    },
    async list(): Promise<readonly StoredSchedule[]> {
      guard.check();
      const live = clock.list();
      const waitingForSpec = [...restored].map(([id, row]) => ({
        id,
        flowKey: row.flowKey,
        triggerId: row.triggerId,
        revision: row.revision,
        version: row.version,
        ...(row.next !== undefined ? { next: new Date(row.next) } : {}),
        ...(row.previous !== undefined ? { previous: new Date(row.previous) } : {}),
      }));
      return [...live, ...waitingForSpec];
    },
    consume(handler): ScheduleConsumer {
      guard.check();
      return clock.consume(handler);
    },
    close: (graceMs) => clock.close(graceMs),
  };
}
