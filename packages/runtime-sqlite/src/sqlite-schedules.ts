import type { Database } from 'better-sqlite3';
import type { FlowKey, ScheduleClock, ScheduleConsumer, ScheduleSpec, ScheduleTickEvent, ScheduleTickHandler, StoredSchedule } from '@sluice/engine';
import type { GroupCommit } from './group-commit.js';
import type { Guard } from './guard.js';

/** Options of {@link createSqliteSchedules}. */
export interface SqliteSchedulesOptions {
  /** Told about a handler that still rejects after its retries, a calendar that throws, a write that failed. */
  readonly onError?: (error: unknown, context: string) => void;
  /** Deliveries of one tick whose handler rejects. Default 3. */
  readonly attempts?: number;
  /** Delay between two deliveries of a tick whose handler rejected, in ms. Default 1000. */
  readonly retryDelayMs?: number;
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

interface Entry {
  spec: ScheduleSpec;
  /** Bumped on every new version: a tick of an older generation is dropped. */
  gen: number;
  head: Date | undefined;
  previous: Date | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The head is due but no consumer was there to take it. */
  waiting: boolean;
  /** Dates (ms) of ticks handed to a handler that has not ended. */
  readonly inflight: Set<number>;
}

// setTimeout fires at once past 2^31 - 1 ms (about 24.8 days): longer waits are taken in steps.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The schedule clock: one timer per schedule, armed at its next tick, as in the memory runtime,
 * and each schedule's chain in the `schedules` table. At start the stored rows wait for their
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
  const entries = new Map<string, Entry>();
  const consumers: { handler: ScheduleTickHandler; closed: boolean }[] = [];
  const running = new Set<Promise<void>>();
  const attempts = options.attempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 1000;
  const report = options.onError ?? (() => undefined);
  let turn = 0;
  let generations = 0;

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
    entry.inflight.add(date.getTime());
    entry.previous = date;
    entry.head = next;
    arm(entry);
    const work = deliver(consumer.handler, tick, entry, entry.gen).finally(() => {
      entry.inflight.delete(date.getTime());
      if (!guard.closed && entries.get(entry.spec.id) === entry) persistQuietly(entry);
    });
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
      const current = entries.get(spec.id);
      const stored = current ? undefined : restored.get(spec.id);
      if (current && current.spec.revision > spec.revision) return;
      if (stored && stored.revision > spec.revision) return;
      if (current && current.spec.version === spec.version) {
        const moved = current.spec.revision !== spec.revision;
        current.spec = spec;
        if (moved) await persist(current);
        return;
      }
      const entry: Entry = { spec, gen: ++generations, head: undefined, previous: undefined, timer: undefined, waiting: false, inflight: new Set() };
      if (stored && stored.version === spec.version) {
        // The chain as it was when the process stopped, ticks missed since included.
        entry.head = stored.next === undefined ? undefined : new Date(stored.next);
        entry.previous = stored.previous === undefined ? undefined : new Date(stored.previous);
      } else {
        // A new chain: from the old chain's head when it is already due (no tick lost at the
        // moment of a change), else from now.
        const now = Date.now();
        const oldHead = current ? current.head?.getTime() : stored?.next;
        const after = oldHead !== undefined && oldHead <= now ? new Date(oldHead - 1) : new Date(now);
        entry.previous = current ? current.previous : stored?.previous === undefined ? undefined : new Date(stored.previous);
        entry.head = nextOf(entry, after);
      }
      const json = JSON.stringify(rowOf(entry));
      await writes.write(() => {
        upsertStmt.run(spec.id, json);
        if (tombstone !== undefined) untombStmt.run(spec.id);
      });
      if (tombstone !== undefined) removed.delete(spec.id);
      if (current) clearTimeout(current.timer);
      restored.delete(spec.id);
      entries.set(spec.id, entry);
      arm(entry);
    },
    async remove(id, revision) {
      guard.check();
      const current = entries.get(id);
      const storedRevision = current?.spec.revision ?? restored.get(id)?.revision;
      if (storedRevision !== undefined && storedRevision > revision) return;
      const tombstone = Math.max(revision, removed.get(id) ?? revision);
      await writes.write(() => {
        deleteStmt.run(id);
        tombstoneStmt.run(id, tombstone);
      });
      if (current) clearTimeout(current.timer);
      entries.delete(id);
      restored.delete(id);
      removed.set(id, tombstone);
    },
    async list(): Promise<readonly StoredSchedule[]> {
      guard.check();
      const live = [...entries.values()].map(({ spec, head, previous }) => ({
        id: spec.id,
        flowKey: spec.flowKey,
        triggerId: spec.triggerId,
        revision: spec.revision,
        version: spec.version,
        ...(head ? { next: head } : {}),
        ...(previous ? { previous } : {}),
      }));
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
