import type { Database } from 'better-sqlite3';
import { coreErrors, isSluiceError } from '@sluice/core';
import type { ExecutionHandler, ExecutionQueue, QueueConsumer } from '@sluice/engine';
import type { GroupCommit } from './group-commit.js';
import type { Guard } from './guard.js';

/** Options of {@link createSqliteQueue}. */
export interface SqliteQueueOptions {
  /** At most this many handlers run at once across every consumer; unbounded by default. */
  readonly concurrency?: number;
  /** How long `close()` without an argument waits for running handlers, in ms. */
  readonly closeGraceMs?: number;
  /** How many finished job ids are remembered to ignore a repeated enqueue (BullMQ keeps them too). */
  readonly keepFinished?: number;
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

type Status = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

interface Consumer extends QueueConsumer {
  pump(): void;
  readonly activeCount: number;
}

/**
 * The queue of executions to run: one row per job in the `queue` table, from the enqueue's
 * commit until its handler returns, and in process a list of the waiting ones. One process owns
 * the file, so the rows present at start are jobs that were waiting or running when the last
 * process stopped, however it stopped: they are all delivered again, in order (at least once;
 * the executor is idempotent). The job id is the execution id, so an id waiting, running or
 * recently finished is not queued again. A handler that throws a retryable error (a full disk,
 * say) is run again after a backoff for as long as it takes; any other error, up to `attempts`
 * times.
 */
export function createSqliteQueue(db: Database, writes: GroupCommit, guard: Guard, options: SqliteQueueOptions = {}): SqliteQueue {
  const insertStmt = db.prepare('INSERT INTO queue (execution_id, seq) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM queue)) ON CONFLICT DO NOTHING');
  const deleteStmt = db.prepare('DELETE FROM queue WHERE execution_id = ?');
  const waiting: string[] = db.prepare('SELECT execution_id FROM queue ORDER BY seq').pluck().all() as string[];
  const status = new Map<string, Status>(waiting.map((id) => [id, 'waiting']));
  const attemptsMade = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const finished: string[] = [];
  const consumers = new Set<Consumer>();
  const counters = { completed: 0, failed: 0 };
  const globalLimit = options.concurrency ?? Infinity;
  const keepFinished = options.keepFinished ?? 10_000;
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 2000;
  const report = options.onError ?? (() => undefined);
  let delayed = 0;

  const totalActive = () => [...consumers].reduce((n, c) => n + c.activeCount, 0);
  const pumpAll = () => consumers.forEach((c) => c.pump());

  const finish = (id: string, outcome: 'completed' | 'failed') => {
    status.set(id, outcome);
    attemptsMade.delete(id);
    counters[outcome]++;
    finished.push(id);
    // Like BullMQ's removeOnComplete with a count: old ids are forgotten and may be queued again.
    while (finished.length > keepFinished) status.delete(finished.shift() as string);
    // Should this fail (the disk is full), the row stays and the job runs again at the next
    // start, where the executor finds it finished and does nothing.
    writes.write(() => deleteStmt.run(id)).catch((error: unknown) => report(error, 'queue: removing a finished job (it runs again, as a no-op, at the next start)'));
  };

  const retry = (id: string, error: unknown): boolean => {
    const made = (attemptsMade.get(id) ?? 0) + 1;
    attemptsMade.set(id, made);
    const retryable = isSluiceError(error) && error.retryable;
    if (!retryable && made >= attempts) return false;
    status.set(id, 'delayed');
    delayed++;
    const timer = setTimeout(() => {
      timers.delete(timer);
      delayed--;
      if (status.get(id) !== 'delayed') return;
      status.set(id, 'waiting');
      waiting.push(id);
      pumpAll();
    }, Math.min(60_000, backoffMs * 2 ** Math.min(made - 1, 10)));
    timer.unref();
    timers.add(timer);
    return true;
  };

  function consume(handler: ExecutionHandler, { concurrency }: { readonly concurrency: number }): Consumer {
    const limit = Math.max(1, Math.floor(concurrency));
    const active = new Map<string, { controller: AbortController; done: Promise<void> }>();
    let closing: Promise<void> | undefined;

    const start = (id: string) => {
      const controller = new AbortController();
      status.set(id, 'active');
      // Started in a microtask so a handler that throws synchronously is caught like any other.
      const done = Promise.resolve()
        .then(() => handler(id, controller.signal))
        .then(
          () => ({ ok: true as const }),
          (error: unknown) => ({ ok: false as const, error }),
        )
        .then((outcome) => {
          // A job abandoned at close is no longer this consumer's: it was queued again.
          if (active.get(id)?.controller !== controller) return;
          active.delete(id);
          if (outcome.ok) finish(id, 'completed');
          else {
            report(outcome.error, 'queue: a handler threw (its job is retried or failed)');
            if (!retry(id, outcome.error)) finish(id, 'failed');
          }
          pumpAll();
        });
      active.set(id, { controller, done });
    };

    const consumer: Consumer = {
      get activeCount() {
        return active.size;
      },
      pump() {
        while (!closing && !guard.closed && active.size < limit && totalActive() < globalLimit && waiting.length > 0) {
          start(waiting.shift() as string);
        }
      },
      close(graceMs = options.closeGraceMs ?? 10_000) {
        closing ??= (async () => {
          let timer: NodeJS.Timeout | undefined;
          const deadline = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, graceMs));
          });
          await Promise.race([Promise.all([...active.values()].map((a) => a.done)), deadline]);
          clearTimeout(timer);
          // Past the grace period: stop the handlers and give their jobs back, first in line.
          // Their rows were never removed, so a restart delivers them too.
          const abandoned = [...active.keys()];
          for (const job of active.values()) job.controller.abort(coreErrors.CORE_ABORTED('the queue consumer is closing'));
          active.clear();
          for (const id of abandoned.reverse()) {
            status.set(id, 'waiting');
            waiting.unshift(id);
          }
          consumers.delete(consumer);
          pumpAll();
        })();
        return closing;
      },
    };
    consumers.add(consumer);
    queueMicrotask(() => consumer.pump());
    return consumer;
  }

  const admit = (executionId: string): void => {
    if (status.has(executionId)) return;
    status.set(executionId, 'waiting');
    waiting.push(executionId);
    pumpAll();
  };

  return {
    insert(executionId) {
      insertStmt.run(executionId);
    },
    admit,
    async enqueue(executionId) {
      guard.check();
      if (status.has(executionId)) return;
      await writes.write(() => insertStmt.run(executionId));
      admit(executionId);
    },
    consume(handler, consumeOptions) {
      guard.check();
      return consume(handler, consumeOptions);
    },
    async counts() {
      guard.check();
      return { waiting: waiting.length + delayed, active: totalActive(), ...counters };
    },
    async closeAll(graceMs) {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...consumers].map((c) => c.close(graceMs)));
    },
  };
}
