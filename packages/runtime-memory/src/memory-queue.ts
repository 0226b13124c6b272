import type { ExecutionQueue } from '@sluice/engine';
import type { Guard } from './guard.js';
import { createDelayedJobs } from './delayed-jobs.js';
import { createJobPool, type JobPoolOptions } from './job-pool.js';

/** Options of {@link createMemoryQueue}: the dispatch's, as {@link JobPoolOptions} describes them. */
export type MemoryQueueOptions = Pick<JobPoolOptions, 'concurrency' | 'closeGraceMs' | 'keepFinished' | 'onHandlerError'>;

/** The queue, plus what closing the runtime needs. */
export interface MemoryQueue extends ExecutionQueue {
  /** Closes every consumer with `graceMs`. */
  closeAll(graceMs?: number): Promise<void>;
}

/**
 * The execution queue in process: nothing but the {@link createJobPool} dispatch, with BullMQ's
 * promises (an id waiting, running or recently finished is not queued again; a handler that
 * throws fails its job, never the consumer; a consumer closing past its grace period aborts its
 * handlers and leaves their jobs to be delivered again). A job queued for a date waits on a
 * timer. Nothing survives a restart.
 */
export function createMemoryQueue(guard: Guard, options: MemoryQueueOptions = {}): MemoryQueue {
  const pool = createJobPool(guard, options);
  const delayed = createDelayedJobs((id) => {
    if (!guard.closed) pool.admitDue(id);
  });
  return {
    async enqueue(executionId, enqueueOptions) {
      guard.check();
      if (enqueueOptions?.at === undefined) pool.admit(executionId);
      else delayed.add(executionId, enqueueOptions.at.getTime());
    },
    async cancel(executionId, { at }) {
      guard.check();
      return delayed.remove(executionId, at.getTime());
    },
    consume: pool.consume,
    counts: pool.counts,
    closeAll: (graceMs) => {
      delayed.clear();
      return pool.closeAll(graceMs);
    },
  };
}
