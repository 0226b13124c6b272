import { coreErrors } from '@sluice/core';
import type { ExecutionHandler, ExecutionQueue, QueueConsumer } from '@sluice/engine';
import type { Guard } from './guard.js';

/** Where a job is: `delayed` only on a queue that retries (it waits for its backoff). */
export type JobStatus = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

/** Options of {@link createJobPool}. */
export interface JobPoolOptions {
  /** At most this many handlers run at once across every consumer; unbounded by default. */
  readonly concurrency?: number;
  /** How long `close()` without an argument waits for running handlers, in ms. */
  readonly closeGraceMs?: number;
  /** How many finished job ids are remembered to ignore a repeated enqueue (BullMQ keeps them too). */
  readonly keepFinished?: number;
  /** Jobs waiting at creation, in order (the ones a store kept across a restart). */
  readonly waiting?: readonly string[];
  /** Told about every handler that throws, even one whose job was given back at close. */
  readonly onHandlerError?: (executionId: string, error: unknown) => void;
  /**
   * Decides about a job whose handler threw while the job was still this pool's: true when the
   * queue took it back (to run again later through {@link JobPool.requeue}), false to fail it.
   * Without it, the job fails.
   */
  readonly onFailure?: (executionId: string, error: unknown) => boolean;
  /** Told about every job that finished, once the pool counted it. */
  readonly onFinished?: (executionId: string, outcome: 'completed' | 'failed') => void;
}

/** The in-process half of a queue: who waits, who runs, the consumers. */
export interface JobPool {
  /** The status of every job known: waiting, running or recently finished. */
  readonly status: Map<string, JobStatus>;
  /** Queues a job, unless it is waiting, running or recently finished (the job id is the execution id). */
  admit(executionId: string): void;
  /** Queues again a job the queue took back, last in line. */
  requeue(executionId: string): void;
  /**
   * Queues a job whose date came (a delayed enqueue), even if it finished recently; a job
   * waiting (or waiting for a backoff) is left to run once; a running one runs again after it.
   */
  admitDue(executionId: string): void;
  /** A new consumer, as {@link ExecutionQueue.consume} promises it. */
  consume: ExecutionQueue['consume'];
  /** The jobs waiting and running, and the ones finished since start. */
  counts: ExecutionQueue['counts'];
  /** Closes every consumer with `graceMs`. */
  closeAll(graceMs?: number): Promise<void>;
}

interface Consumer extends QueueConsumer {
  pump(): void;
  readonly activeCount: number;
}

/**
 * The dispatch of an execution queue in process, with BullMQ's promises: the job id is the
 * execution id, so an id already waiting, running or recently finished is not queued again; a
 * handler that throws fails its job, never the consumer; at most `concurrency` handlers run at
 * once; a consumer closing past its grace period aborts its handlers and gives their jobs back,
 * first in line (at least once). What a queue stores, and whether it retries, is its own.
 */
export function createJobPool(guard: Guard, options: JobPoolOptions = {}): JobPool {
  const waiting: string[] = [...(options.waiting ?? [])];
  const status = new Map<string, JobStatus>(waiting.map((id) => [id, 'waiting']));
  const finished: string[] = [];
  const consumers = new Set<Consumer>();
  const counters = { completed: 0, failed: 0 };
  const globalLimit = options.concurrency ?? Infinity;
  const keepFinished = options.keepFinished ?? 10_000;

  const totalActive = () => [...consumers].reduce((n, c) => n + c.activeCount, 0);
  const pumpAll = () => consumers.forEach((c) => c.pump());

  // Jobs that came due while they ran: each runs again once it finished.
  const rerun = new Set<string>();

  const requeue = (id: string) => {
    status.set(id, 'waiting');
    waiting.push(id);
    pumpAll();
  };

  const finish = (id: string, outcome: 'completed' | 'failed') => {
    status.set(id, outcome);
    counters[outcome]++;
    finished.push(id);
    // Like BullMQ's removeOnComplete with a count: old ids are forgotten and may be queued again.
    while (finished.length > keepFinished) status.delete(finished.shift() as string);
    // Queued again before `onFinished`, which then sees the job is no longer finished.
    if (rerun.delete(id)) requeue(id);
    options.onFinished?.(id, outcome);
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
          (error: unknown) => {
            options.onHandlerError?.(id, error);
            return { ok: false as const, error };
          },
        )
        .then((outcome) => {
          // A job abandoned at close is no longer this consumer's: it was queued again.
          if (active.get(id)?.controller !== controller) return;
          active.delete(id);
          if (outcome.ok) finish(id, 'completed');
          else if (!options.onFailure?.(id, outcome.error)) finish(id, 'failed');
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

  return {
    status,
    admit(executionId) {
      if (status.has(executionId)) return;
      requeue(executionId);
    },
    requeue,
    admitDue(executionId) {
      const current = status.get(executionId);
      if (current === 'waiting' || current === 'delayed') return;
      if (current === 'active') rerun.add(executionId);
      else requeue(executionId);
    },
    consume(handler, consumeOptions) {
      guard.check();
      return consume(handler, consumeOptions);
    },
    async counts() {
      guard.check();
      return { waiting: waiting.length, active: totalActive(), ...counters };
    },
    async closeAll(graceMs) {
      await Promise.all([...consumers].map((c) => c.close(graceMs)));
    },
  };
}
