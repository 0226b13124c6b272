import type { Database } from 'better-sqlite3';
import { isSluiceError } from '@sluice/core';
import type { ExecutionQueue } from '@sluice/engine';
import { createDelayedJobs, createJobPool, type Guard, type JobPoolOptions } from '@sluice/runtime-memory/in-process';
import type { GroupCommit } from './group-commit.js';

/** Options of {@link createSqliteQueue}: the dispatch's, as {@link JobPoolOptions} describes them, and the retries. */
export interface SqliteQueueOptions extends Pick<JobPoolOptions, 'concurrency' | 'closeGraceMs' | 'keepFinished'> {
  /** Runs of a job whose handler throws a non-retryable error. Default 3, as on BullMQ. */
  readonly attempts?: number;
  /** First retry delay, doubled each time up to a minute. Default 2000, as on BullMQ. */
  readonly backoffMs?: number;
  /** Told about every handler that throws and every queue write that failed; the consumer goes on. */
  readonly onError?: (error: unknown, context: string) => void;
}

/** The queue, plus what the runtime needs: to queue inside a submit's transaction, to close. */
export interface SqliteQueue extends ExecutionQueue {
  /** Inserts the job row in the current transaction; call {@link SqliteQueue.admit} once it committed. */
  insert(executionId: string): void;
  /** Makes a committed job row visible to the consumers. */
  admit(executionId: string): void;
  /** Closes every consumer with `graceMs`. */
  closeAll(graceMs?: number): Promise<void>;
}

/**
 * The queue of executions to run: one row per job in the `queue` table, from the enqueue's
 * commit until its handler returns, and in process a list of the waiting ones dispatched by
 * the memory runtime's {@link createJobPool}. One process owns the file, so the rows present at
 * start are jobs that were waiting or running when the last process stopped, however it
 * stopped: they are all delivered again, in order (at least once; the executor is idempotent),
 * and so are the jobs a closing consumer gives back, whose rows were never removed. The job id
 * is the execution id, so an id waiting, running or recently finished is not queued again. A
 * handler that throws a retryable error (a full disk, say) is run again after a backoff for as
 * long as it takes; any other error, up to `attempts` times.
 *
 * A job queued for a date is a row of `queue_delayed` (execution, due date) and a timer; when
 * it comes, the row moves into `queue` in one transaction and the job is dispatched. Rows left
 * by a stopped process are armed again at start (those already due run at once).
 */
export function createSqliteQueue(db: Database, writes: GroupCommit, guard: Guard, options: SqliteQueueOptions = {}): SqliteQueue {
  const insertStmt = db.prepare('INSERT INTO queue (execution_id, seq) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM queue)) ON CONFLICT DO NOTHING');
  const deleteStmt = db.prepare('DELETE FROM queue WHERE execution_id = ?');
  const insertDelayedStmt = db.prepare('INSERT INTO queue_delayed (execution_id, due_ms) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const deleteDelayedStmt = db.prepare('DELETE FROM queue_delayed WHERE execution_id = ? AND due_ms = ?');
  const attemptsMade = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 2000;
  const report = options.onError ?? (() => undefined);
  let delayed = 0;

  const retry = (id: string, error: unknown): boolean => {
    const made = (attemptsMade.get(id) ?? 0) + 1;
    attemptsMade.set(id, made);
    const retryable = isSluiceError(error) && error.retryable;
    if (!retryable && made >= attempts) return false;
    pool.status.set(id, 'delayed');
    delayed++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      delayed--;
      if (pool.status.get(id) !== 'delayed') return;
      pool.requeue(id);
    }, Math.min(60_000, backoffMs * 2 ** Math.min(made - 1, 10)));
    timer.unref();
    timers.add(timer);
    return true;
  };

  const pool = createJobPool(guard, {
    concurrency: options.concurrency,
    closeGraceMs: options.closeGraceMs,
    keepFinished: options.keepFinished,
    waiting: db.prepare('SELECT execution_id FROM queue ORDER BY seq').pluck().all() as string[],
    onFailure: (id, error) => {
      report(error, 'queue: a handler threw (its job is retried or failed)');
      return retry(id, error);
    },
    onFinished: (id, outcome) => {
      attemptsMade.delete(id);
      // Queued again as it finished (a delayed job of it came due): its row stays for that run.
      if (pool.status.get(id) !== outcome) return;
      // Should this fail (the disk is full), the row stays and the job runs again at the next
      // start, where the executor finds it finished and does nothing.
      writes.write(() => deleteStmt.run(id)).catch((error: unknown) => report(error, 'queue: removing a finished job (it runs again, as a no-op, at the next start)'));
    },
  });

  const delayedJobs = createDelayedJobs((id, at) => {
    if (guard.closed) return;
    writes
      .write(() => {
        deleteDelayedStmt.run(id, at);
        insertStmt.run(id);
      })
      .then(() => pool.admitDue(id))
      // The row stays in queue_delayed: the job runs at the next start.
      .catch((error: unknown) => report(error, 'queue: moving a due job into the queue (it runs at the next start)'));
  });
  for (const row of db.prepare('SELECT execution_id, due_ms FROM queue_delayed').all() as { execution_id: string; due_ms: number }[]) {
    delayedJobs.add(row.execution_id, row.due_ms);
  }

  return {
    insert(executionId) {
      insertStmt.run(executionId);
    },
    admit: (executionId) => pool.admit(executionId),
    async enqueue(executionId, enqueueOptions) {
      guard.check();
      if (enqueueOptions?.at !== undefined) {
        const at = enqueueOptions.at.getTime();
        await writes.write(() => insertDelayedStmt.run(executionId, at));
        delayedJobs.add(executionId, at);
        return;
      }
      if (pool.status.has(executionId)) return;
      await writes.write(() => insertStmt.run(executionId));
      pool.admit(executionId);
    },
    async cancel(executionId, { at }) {
      guard.check();
      const due = at.getTime();
      // The row goes with the timer; a job whose timer fired has moved into `queue` already.
      if (!delayedJobs.remove(executionId, due)) return false;
      await writes.write(() => deleteDelayedStmt.run(executionId, due));
      return true;
    },
    consume: pool.consume,
    async counts() {
      // Both read now, in the same turn: the pool counts synchronously before it resolves.
      const [counting, retrying] = [pool.counts(), delayed];
      const counts = await counting;
      return { ...counts, waiting: counts.waiting + retrying };
    },
    async closeAll(graceMs) {
      delayedJobs.clear();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await pool.closeAll(graceMs);
    },
  };
}
