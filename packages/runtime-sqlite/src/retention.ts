import type { Database } from 'better-sqlite3';
import type { GroupCommit } from './group-commit.js';

/** How much history the store keeps. Running and queued executions are never dropped. */
export interface RetentionOptions {
  /** Terminated executions (and their logs) older than this are dropped, in seconds; 0 keeps them. */
  readonly maxAgeSeconds: number;
  /** Past this many executions, the oldest terminated ones (and their logs) are dropped; 0 for no limit. */
  readonly maxExecutions: number;
  /** Log lines kept per execution, the newest win. */
  readonly maxLogsPerExecution: number;
}

/** Options of {@link startRetention}. */
export interface RetentionLoopOptions extends RetentionOptions {
  /** How often the sweep runs, in ms. Default 5000. */
  readonly everyMs?: number;
  /** Executions dropped per transaction, so the event loop is never held for long. Default 2000. */
  readonly batch?: number;
  readonly onError?: (error: unknown, context: string) => void;
  readonly now?: () => number;
  /** Run in the sweep's first transaction: deletes other rows that have ended (login sessions). */
  readonly alsoSweep?: (now: number) => void;
}

/** A running retention sweep. */
export interface Retention {
  /** Runs one full sweep now (the timer does it on its own); resolves with the executions dropped. */
  sweep(): Promise<number>;
  /** Counted as the store inserts, so the sweep does not count the table. */
  inserted(): void;
  /** Counted as the store deletes one on request, so the count stays true. */
  deleted(): void;
  stop(): void;
}

/**
 * Applies the retention: every `everyMs`, drops the oldest terminated executions past the count
 * and those older than the age, with their logs, in transactions of `batch` executions that go
 * through the group commit like every other write (so a sweep never blocks webhooks for more
 * than one small transaction). The number of executions is counted once at start and kept up
 * to date from the inserts and the deletions.
 */
export function startRetention(db: Database, writes: GroupCommit, options: RetentionLoopOptions): Retention {
  const batch = options.batch ?? 2000;
  const now = options.now ?? Date.now;
  let count = db.prepare('SELECT count(*) FROM executions').pluck().get() as number;
  const oldestStmt = db.prepare('SELECT seq, id FROM executions WHERE terminated = 1 ORDER BY seq LIMIT ?');
  const agedStmt = db.prepare('SELECT seq, id FROM executions WHERE created_ms < ? AND terminated = 1 ORDER BY created_ms LIMIT ?');
  const deleteExecution = db.prepare('DELETE FROM executions WHERE seq = ?');
  const deleteLogs = db.prepare('DELETE FROM logs WHERE execution_id = ?');
  const deleteTaskRuns = db.prepare('DELETE FROM task_runs WHERE execution_seq = ?');
  const deleteQueued = db.prepare('DELETE FROM queue WHERE execution_id = ?');
  let sweeping: Promise<number> | undefined;

  const drop = (rows: readonly { seq: number; id: string }[]): number => {
    for (const { seq, id } of rows) {
      deleteExecution.run(seq);
      deleteTaskRuns.run(seq);
      deleteLogs.run(id);
      deleteQueued.run(id);
    }
    return rows.length;
  };

  const step = (): Promise<number> =>
    writes.write(() => {
      let dropped = 0;
      if (options.maxExecutions > 0 && count > options.maxExecutions) {
        dropped += drop(oldestStmt.all(Math.min(batch, count - options.maxExecutions)) as { seq: number; id: string }[]);
      }
      if (options.maxAgeSeconds > 0 && dropped < batch) {
        dropped += drop(agedStmt.all(now() - options.maxAgeSeconds * 1000, batch - dropped) as { seq: number; id: string }[]);
      }
      return dropped;
    });

  const sweep = (): Promise<number> =>
    (sweeping ??= (async () => {
      let total = 0;
      try {
        if (options.alsoSweep) {
          const at = now();
          await writes.write(() => options.alsoSweep?.(at));
        }
        for (;;) {
          const dropped = await step();
          count -= dropped;
          total += dropped;
          if (dropped < batch) return total;
        }
      } finally {
        sweeping = undefined;
      }
    })());

  const timer = setInterval(() => {
    sweep().catch((error: unknown) => options.onError?.(error, 'retention: dropping old executions'));
  }, options.everyMs ?? 5000);
  timer.unref();

  return {
    sweep,
    inserted() {
      count++;
    },
    deleted() {
      count--;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
