import { Job, Queue } from 'bullmq';
import type { EnqueueOptions, ExecutionHandler, ExecutionQueue, QueueConsumer } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { BullmqQueueConsumer, JOB_NAME, jobDataJson, type ExecutionJobData } from './queue-consumer.js';
import { withDeadline } from './time.js';

type ExecutionBullQueue = Queue<ExecutionJobData, void, typeof JOB_NAME>;

/** Throws unless `executionId` can be a BullMQ job id: BullMQ refuses ':' in custom ids, and execution ids never hold one. */
function checkJobId(executionId: string): void {
  if (typeof executionId !== 'string' || executionId === '' || executionId.includes(':')) {
    throw new TypeError(`not an execution id: '${String(executionId)}'`);
  }
}

/**
 * The id of the job of `executionId` due at `at`: a job apart from the execution's own (whose id
 * is the execution id and which may still be running, or retained as completed, when this one is
 * queued), the same for the same date so queueing it twice adds one job. No ':' (BullMQ refuses it).
 */
export function delayedJobId(executionId: string, at: number): string {
  return `${executionId}-at-${at}`;
}

// BullMQ scores a delayed job by its due time × 0x1000 plus a counter (its getDelayedScore):
// every job scored at most this is due by `now`.
const dueScore = (now: number): number => (now + 1) * 0x1000 - 1;

/**
 * The queue of executions: one BullMQ queue, job name `execution`, job id = execution id (so a
 * second enqueue of the same execution is ignored while the job is retained), data
 * `{ executionId }`, plus the execution itself when it is submitted with it (see `ExecutionJobData`).
 * A job queued for a date is a BullMQ delayed job with its own id ({@link delayedJobId}).
 *
 * The BullMQ Queue shares the request-path connection, so `enqueue` fails fast like the
 * repositories. It is created on first use, after the connection is up: a Queue created while
 * Redis is down waits forever for it, and a failed start is discarded so the next call retries.
 */
export class BullmqExecutionQueue implements ExecutionQueue {
  private queue: Promise<ExecutionBullQueue> | undefined;
  private readonly consumers = new Set<BullmqQueueConsumer>();

  constructor(
    private readonly store: RedisStore,
    private readonly keys: Keys,
    private readonly options: ResolvedOptions,
  ) {}

  async enqueue(executionId: string, options?: EnqueueOptions): Promise<void> {
    checkJobId(executionId);
    const at = options?.at?.getTime();
    await this.store.run('enqueue execution', async () => {
      const queue = await this.bullQueue();
      const jobOptions = at === undefined ? { jobId: executionId } : { jobId: delayedJobId(executionId, at), delay: Math.max(0, at - Date.now()) };
      await withDeadline(queue.add(JOB_NAME, { executionId }, jobOptions), this.deadlineMs(), 'enqueue');
    });
  }

  async cancel(executionId: string, { at }: { readonly at: Date }): Promise<boolean> {
    checkJobId(executionId);
    return this.store.run('cancel delayed job', async () => {
      const queue = await this.bullQueue();
      // Removed only while delayed: BullMQ refuses to remove a job a worker holds (locked).
      const job = await withDeadline(queue.getJob(delayedJobId(executionId, at.getTime())), this.deadlineMs(), 'cancel');
      if (!job || !(await job.isDelayed())) return false;
      try {
        await withDeadline(job.remove(), this.deadlineMs(), 'cancel');
        return true;
      } catch {
        return false;
      }
    });
  }

  /**
   * Runs `first`, which sends commands on the request connection without waiting, then sends
   * the add of `executionId`'s job (carrying `executionJson` when it is given and at most
   * `queue.carryMaxChars` long), and waits for all the replies together: one round trip, and one
   * socket write (see `coalesceWrites`). Redis runs them in the order sent, so the job can never
   * be taken before what `first` stored. Rejects when any reply is an error; then any part may
   * have been done.
   *
   * The job goes through BullMQ's own insert (`addJobToTransaction` of its Redis backend, the
   * escape hatch BullMQ keeps public for batching inserts), so the job is the one `queue.add`
   * writes; `queue.add` itself could not be used here, as it awaits before it sends.
   */
  async enqueueAfter<T>(executionId: string, first: () => Promise<T>, executionJson?: string): Promise<T> {
    checkJobId(executionId);
    return this.store.run('submit execution', async () => {
      const queue = await this.bullQueue();
      const backend = queue.getBackend();
      // BullMQ's view of the request connection; resolved once the queue is ready.
      const client = await backend.client;
      const job = new Job<ExecutionJobData, void, typeof JOB_NAME>(queue, JOB_NAME, { executionId }, { ...queue.jobsOpts, jobId: executionId }, executionId);
      const jobJson = job.asJSON();
      // The stored text goes into the data as it is: nothing is serialized a second time.
      if (executionJson !== undefined && executionJson.length <= this.options.queue.carryMaxChars) {
        jobJson.data = jobDataJson(executionId, executionJson);
      }
      // Sent in one synchronous block, so in one write (the connection coalesces a turn's writes).
      const sent = first();
      const added = backend.addJobToTransaction(client, jobJson, executionId);
      const [result] = await withDeadline(Promise.all([sent, added]), this.deadlineMs(), 'submit');
      return result;
    });
  }

  consume(handler: ExecutionHandler, options: { readonly concurrency: number }): QueueConsumer {
    if (this.options.role === 'webserver') {
      throw new Error("runtime-bullmq: a runtime created with role 'webserver' does not consume the queue");
    }
    const consumer = new BullmqQueueConsumer(handler, options.concurrency, this.keys, this.options, (closed) =>
      this.consumers.delete(closed),
    );
    this.consumers.add(consumer);
    return consumer;
  }

  async counts(): Promise<{ readonly waiting: number; readonly active: number; readonly completed: number; readonly failed: number }> {
    return this.store.run('count jobs', async () => {
      const queue = await this.bullQueue();
      const [c, due] = await withDeadline(
        Promise.all([queue.getJobCounts('wait', 'prioritized', 'active', 'completed', 'failed'), this.store.client.zcount(queue.keys.delayed as string, 0, dueScore(Date.now()))]),
        this.deadlineMs(),
        'count jobs',
      );
      // Delayed jobs whose time has come (a handler's retry after its backoff, an execution's
      // retry date) wait for a worker; those still to come (a retry hours away) do not.
      const waiting = (c.wait ?? 0) + (c.prioritized ?? 0) + due;
      return { waiting, active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 };
    });
  }

  /** Closes every consumer still open (with no grace: the runtime is going away) and the queue. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close(0)));
    const queue = this.queue;
    this.queue = undefined;
    if (queue) {
      const closing = queue.then((q) => q.close());
      await withDeadline(closing, this.options.connection.closeTimeoutMs, 'close queue').catch(() => undefined);
    }
  }

  private deadlineMs(): number {
    return this.options.connection.readyTimeoutMs + this.options.connection.commandTimeoutMs;
  }

  private bullQueue(): Promise<ExecutionBullQueue> {
    if (!this.queue) {
      const retention = this.options.retention;
      const age = retention.executionsTtlSeconds > 0 ? { age: retention.executionsTtlSeconds } : {};
      const queue: ExecutionBullQueue = new Queue<ExecutionJobData, void, typeof JOB_NAME>(this.keys.queueName, {
        connection: this.store.client,
        prefix: this.keys.prefix,
        defaultJobOptions: {
          attempts: this.options.queue.attempts,
          backoff: { type: 'exponential', delay: this.options.queue.backoffMs },
          // Finished jobs go after `count` or the execution retention, whichever comes first.
          removeOnComplete: { count: retention.completedJobs, ...age },
          removeOnFail: { count: retention.failedJobs, ...age },
        },
      });
      queue.on('error', (error) => this.options.onError(error, 'queue'));
      const started = withDeadline(queue.waitUntilReady(), this.deadlineMs(), 'start queue').then(() => queue);
      started.catch(() => {
        if (this.queue === started) this.queue = undefined;
        queue.close().catch(() => undefined);
      });
      this.queue = started;
    }
    return this.queue;
  }
}
