import { coreErrors } from '@sluice/core';
import type { ExecutionHandler, ExecutionQueue, QueueConsumer } from '@sluice/engine';
import type { Guard } from './guard.js';

/** Options of {@link createMemoryQueue}. */
export interface MemoryQueueOptions {
  /** At most this many handlers run at once across every consumer; unbounded by default. */
  readonly concurrency?: number;
  /** How long `close()` without an argument waits for running handlers, in ms. */
  readonly closeGraceMs?: number;
  /** How many finished job ids are remembered to ignore a repeated enqueue (BullMQ keeps them too). */
  readonly keepFinished?: number;
  /** Told about every handler that throws; the consumer itself goes on. */
  readonly onHandlerError?: (executionId: string, error: unknown) => void;
}

/** The queue, plus what closing the runtime needs. */
export interface MemoryQueue extends ExecutionQueue {
  /** Closes every consumer with `graceMs`. */
  closeAll(graceMs?: number): Promise<void>;
}

type Status = 'waiting' | 'active' | 'completed' | 'failed';

interface Consumer extends QueueConsumer {
  pump(): void;
  readonly activeCount: number;
}

/**
 * The execution queue in process, with BullMQ's promises: the job id is the execution id, so
 * an id already waiting, running or recently finished is not queued again; a handler that
 * throws fails its job, never the consumer; a consumer closing past its grace period aborts
 * its handlers and leaves their jobs to be delivered again (at least once).
 */
export function createMemoryQueue(guard: Guard, options: MemoryQueueOptions = {}): MemoryQueue {
  const waiting: string[] = [];
  const status = new Map<string, Status>();
  const finished: string[] = [];
  const consumers = new Set<Consumer>();
  const counters = { completed: 0, failed: 0 };
  const globalLimit = options.concurrency ?? Infinity;
  const keepFinished = options.keepFinished ?? 10_000;

  const totalActive = () => [...consumers].reduce((n, c) => n + c.activeCount, 0);
  const pumpAll = () => consumers.forEach((c) => c.pump());

  const finish = (id: string, outcome: 'completed' | 'failed') => {
    status.set(id, outcome);
    counters[outcome]++;
    finished.push(id);
    // Like BullMQ's removeOnComplete with a count: old ids are forgotten and may be queued again.
    while (finished.length > keepFinished) status.delete(finished.shift() as string);
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
          () => 'completed' as const,
          (error: unknown) => {
            options.onHandlerError?.(id, error);
            return 'failed' as const;
          },
        )
        .then((outcome) => {
          // A job abandoned at close is no longer this consumer's: it was queued again.
          if (active.get(id)?.controller !== controller) return;
          active.delete(id);
          finish(id, outcome);
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
    async enqueue(executionId) {
      guard.check();
      if (status.has(executionId)) return;
      status.set(executionId, 'waiting');
      waiting.push(executionId);
      pumpAll();
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
