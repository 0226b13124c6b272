import { setMaxListeners } from 'node:events';
import { DelayedError, Job, UnrecoverableError, WaitingError, Worker, type JobJson } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { hasLongNumbers, isSluiceError, parseJson } from '@sluice/core';
import type { Execution, ExecutionHandler, QueueConsumer } from '@sluice/engine';
import { closeClient, coalesceWrites, createWorkerClient, toStoreError } from './connection.js';
import { executionLeases, type ExecutionLeases } from './execution-lease.js';
import type { Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { preloadScripts } from './scripts.js';
import { rememberJson } from './stored-json.js';
import { sleep, withDeadline } from './time.js';

/**
 * The data of a queued job: the execution id, and the execution as stored when its JSON is at
 * most `queue.carryMaxChars` long. The worker starts from the carried execution instead of
 * reading it, with its first save conditional on the store still holding exactly that JSON (see
 * `Executor.run`). The submit writes the stored text into the data as it is
 * (`{"executionId":…,"execution":<text>}`), and the worker cuts the text back out of the job's
 * raw data, so neither side serializes the execution a second time. The copy is what the
 * execution key already holds in the same Redis, and goes with the job (retention), so it
 * exposes nothing the store does not; 0 turns it off for installations whose queue dashboards
 * must not show execution data.
 */
export interface ExecutionJobData {
  readonly executionId: string;
  readonly execution?: Execution;
}

/** The data of a job carrying `executionJson`, as {@link carriedText} reads it back. */
export function jobDataJson(executionId: string, executionJson: string): string {
  return `${carriedPrefix(executionId)}${executionJson}}`;
}

const carriedPrefix = (executionId: string): string => `{"executionId":${JSON.stringify(executionId)},"execution":`;

/** The execution's text inside a job's raw data made by {@link jobDataJson}, else undefined. */
function carriedText(raw: string, executionId: string): string | undefined {
  const prefix = carriedPrefix(executionId);
  return raw.startsWith(prefix) && raw.endsWith('}') ? raw.slice(prefix.length, -1) : undefined;
}

/**
 * A BullMQ Worker that keeps the text of the execution a job carries, cut from the job's raw data
 * as BullMQ reads it (`createJob`, BullMQ's protected hook for making jobs from what Redis sent).
 */
class ExecutionWorker extends Worker<ExecutionJobData, void, typeof JOB_NAME> {
  /**
   * Ids of the jobs whose fetch reply reached this worker and that have not finished: BullMQ
   * makes each fetched job here, at once, though it may hold it a while before it runs it.
   */
  readonly received = new Set<string>();

  protected override createJob(data: JobJson, jobId: string): Job<ExecutionJobData, void, typeof JOB_NAME> {
    this.received.add(jobId);
    const job = super.createJob(data, jobId);
    const carried: unknown = job.data?.execution;
    const executionId: unknown = job.data?.executionId;
    if (typeof carried === 'object' && carried !== null && typeof executionId === 'string' && typeof data.data === 'string') {
      const text = carriedText(data.data, executionId);
      if (text !== undefined) {
        // BullMQ read the job with JSON.parse, which rounds integers past 2^53: read the
        // execution again from its text when it may hold one (a quick check decides).
        const exact = hasLongNumbers(text) ? (parseJson(text) as Execution) : (carried as Execution);
        if (exact !== carried) (job.data as { execution: Execution }).execution = exact;
        rememberJson(exact, text);
      }
    }
    return job;
  }
}

/** The one job name of the queue. */
export const JOB_NAME = 'execution';

interface Running {
  readonly jobId: string | undefined;
  readonly token: string | undefined;
  /** Settles when the job is finished with, its hand-back included; never rejects. */
  readonly done: Promise<void>;
}

/**
 * One BullMQ Worker feeding a handler, with the bounded shutdown BullMQ lacks.
 *
 * `Worker.close()` waits for running jobs without a deadline and can hang when Redis is down
 * (bullmq#2430); and once called it cannot be turned into a forced close (the call is
 * memoized). So closing is ours: pause fetching, wait for our own running handlers up to the
 * grace, fire their signals, give them a moment to hand their job back, then close the worker,
 * forced if anything still runs, and drop its connections at a deadline whatever happens.
 *
 * A job whose handler was aborted is handed back (moved to wait) so another consumer takes it
 * at once; if the handler ignores its signal, the job keeps its lock until `lockDuration`
 * passes and stalled-job recovery on another worker delivers it again.
 */
export class BullmqQueueConsumer implements QueueConsumer {
  private readonly client: Redis;
  private readonly duplicates: Redis[] = [];
  private readonly worker: ExecutionWorker;
  private readonly running = new Map<string, Running>();
  /**
   * The signal every handler of this consumer gets: it fires only when close() gives up waiting,
   * for every running handler at once, so one serves them all. Node gives each AbortSignal a
   * hidden class of its own, and one per job cost the worker promotion to the old generation
   * ("Twelfth round" in docs/performance.md). Each handler listens to it while it runs: no limit
   * on its listeners.
   */
  private readonly stop = new AbortController();
  private readonly leases: ExecutionLeases;
  /** Lease releases sent and not yet answered (with the promotion of their waiters). */
  private readonly releasing = new Set<Promise<void>>();
  private stopping = false;
  private forced = false;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly handler: ExecutionHandler,
    concurrency: number,
    keys: Keys,
    private readonly options: ResolvedOptions,
    private readonly onClosed: (consumer: BullmqQueueConsumer) => void,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
    setMaxListeners(0, this.stop.signal);
    // Coalesced (see coalesceWrites): a job's lease take leaves in the write of the fetch BullMQ
    // sends next, and its release in the write of the job's completion, instead of two system
    // calls of their own, each waking Redis. Never blocking: BullMQ's fetch blocks on a duplicate,
    // which is not coalesced.
    this.client = coalesceWrites(createWorkerClient(options, 'worker'));
    // BullMQ duplicates this connection for its blocking fetch and owns the copy; recording the
    // copies lets close() drop them even when BullMQ's own close never returns.
    const duplicate = this.client.duplicate.bind(this.client);
    this.client.duplicate = (override?: Partial<RedisOptions>): Redis => {
      const copy = duplicate(override);
      this.duplicates.push(copy);
      return copy;
    };
    // The lease scripts are loaded first thing on every (re)connection, so an EVALSHA never
    // meets NOSCRIPT and falls back behind later commands (see preloadScripts).
    preloadScripts(this.client, (error) => options.onError(error, 'redis worker connection: load scripts'));
    this.leases = executionLeases(this.client, keys, options.queue.lockDurationMs, options.onError);
    let reported = false;
    this.client.on('error', (error: Error) => {
      if (!reported) options.onError(error, 'redis worker connection');
      reported = true;
    });
    let droppedAt: number | undefined;
    this.client.on('close', () => {
      droppedAt ??= Date.now();
    });
    this.client.on('ready', () => {
      reported = false;
      // Back after a drop: renew now what this worker runs, rather than at the lock timer's next
      // turn (up to half the lock later), by which time a lock whose renewal the outage ate may
      // have expired and stalled-job recovery handed the job to another worker as well; and hand
      // back what Redis says this worker holds but it never received.
      if (droppedAt !== undefined) void this.afterReconnect(droppedAt);
      droppedAt = undefined;
    });
    const retention = options.retention;
    const age = retention.executionsTtlSeconds > 0 ? { age: retention.executionsTtlSeconds } : {};
    this.worker = new ExecutionWorker(keys.queueName, (job, token) => this.process(job, token), {
      connection: this.client,
      prefix: keys.prefix,
      concurrency,
      lockDuration: options.queue.lockDurationMs,
      stalledInterval: options.queue.stalledIntervalMs,
      maxStalledCount: options.queue.maxStalledCount,
      // Also set per job by the queue; repeated here so jobs added by other tools are bounded too.
      removeOnComplete: { count: retention.completedJobs, ...age },
      removeOnFail: { count: retention.failedJobs, ...age },
      autorun: true,
    });
    this.worker.on('error', (error) => options.onError(error, 'queue worker'));
    this.worker.on('failed', (job, error) => options.onError(error, `execution ${job?.id ?? '?'}: handler failed`));
  }

  close(graceMs: number = this.options.queue.closeGraceMs): Promise<void> {
    this.closing ??= this.shutdown(Math.max(0, graceMs));
    return this.closing;
  }

  private process(job: Job<ExecutionJobData, void, typeof JOB_NAME>, token: string | undefined): Promise<void> {
    const executionId: unknown = job.data?.executionId;
    if (typeof executionId !== 'string' || executionId === '') {
      return Promise.reject(new UnrecoverableError('job data carries no executionId'));
    }
    // A job fetched while closing (a fetch already in flight) goes straight back.
    const work = this.stopping ? this.handBack(job, token) : this.run(executionId, carriedExecution(job.data, executionId), job, token);
    const key = token ?? `${job.id}`;
    this.running.set(key, { jobId: job.id, token, done: work.then(noop, noop) });
    return work.finally(() => {
      this.running.delete(key);
      if (job.id !== undefined) this.worker.received.delete(job.id);
    });
  }

  private async run(executionId: string, queued: Execution | undefined, job: Job<ExecutionJobData>, token: string | undefined): Promise<void> {
    // BullMQ always passes a token to a worker's processor; the fallback only keeps the lease's
    // holder unique should it not.
    const leaseToken = token ?? `${this.worker.id}:${job.id ?? executionId}`;
    await this.takeLease(executionId, leaseToken, job, token);
    try {
      await this.runHolding(executionId, queued, job, token);
    } finally {
      this.releaseLease(executionId, leaseToken);
    }
  }

  /**
   * Takes the lease of the execution, or moves the job to delayed to run after the holder (and
   * throws DelayedError: BullMQ neither fails it nor counts an attempt). A store failure on the
   * way is handled like one of the handler: the job is handed back once Redis answers when the
   * connection went, or fails to BullMQ's attempts and backoff when Redis refused the command.
   */
  private async takeLease(executionId: string, leaseToken: string, job: Job<ExecutionJobData>, token: string | undefined): Promise<void> {
    try {
      if (await this.leases.take(executionId, leaseToken)) return;
      // Held by another job of the execution, here or elsewhere: delayed by one lock duration,
      // the most a lease can have left, so a holder that died (no release, hence no promotion)
      // delays this job by at most that; a live holder promotes it as it lets go.
      await job.moveToDelayed(Date.now() + this.options.queue.lockDurationMs, token);
    } catch (error) {
      const storeError = toStoreError('execution lease', error);
      if (lostConnection(storeError)) {
        this.options.onError(error, `execution ${job.id ?? '?'}: taking its lease; handed back once Redis answers`);
        await this.untilConnected();
        await this.handBack(job, token);
      }
      throw error;
    }
    try {
      if (job.id !== undefined && (await this.leases.wait(executionId, job.id))) await this.promote(job.id);
    } catch (error) {
      // Not lost: the job is delayed, and runs at its date.
      this.options.onError(error, `execution ${job.id ?? '?'}: waiting for its lease`);
    }
    throw new DelayedError();
  }

  /**
   * Lets the lease go and promotes the jobs that wait for it. Not awaited, on purpose: the
   * release is sent now on the worker connection, just ahead of BullMQ's completion of the job
   * (sent on the same connection once the processor returns, in the same socket write: the
   * connection is coalesced), and its reply is read along with the completion's, so it adds no
   * round trip to the job. Redis runs a connection's
   * commands in order, so the lease is free before the job is completed; nothing of the
   * execution's is written after the handler returned, so freeing it that early is safe. Should
   * the release fail, the lease expires within the lock duration and the waiters run at their
   * delayed date: late, never lost. close() waits for releases in flight before its QUIT.
   */
  private releaseLease(executionId: string, leaseToken: string): void {
    // A handler that outlived a forced close: the connection is gone, the lease expires.
    if (this.client.status === 'end') return;
    const releasing = this.leases
      .release(executionId, leaseToken)
      .then((waiters) => Promise.all(waiters.map((id) => this.promote(id))))
      .then(noop, (error: unknown) => this.options.onError(error, `execution ${executionId}: releasing its lease`));
    this.releasing.add(releasing);
    void releasing.finally(() => this.releasing.delete(releasing));
  }

  /** Moves a delayed job to wait now; one that is no longer delayed (already run) is left be. */
  private async promote(jobId: string): Promise<void> {
    try {
      await this.worker.getBackend().promote(jobId);
    } catch (error) {
      if (!(error instanceof Error && /not in the delayed state|does not exist|Missing key/i.test(error.message))) throw error;
    }
  }

  private async runHolding(executionId: string, queued: Execution | undefined, job: Job<ExecutionJobData>, token: string | undefined): Promise<void> {
    const signal = this.stop.signal;
    try {
      await this.handler(executionId, signal, queued);
    } catch (error) {
      if (!signal.aborted && lostConnection(error)) {
        // The store went away under the run (Redis restarted, say). Failing the job would leave
        // it to BullMQ, whose moveToFailed waits for Redis with the job no longer renewed (and
        // retries after 15 s), and whose retry then waits the backoff, or, once the lock has
        // expired, to stalled-job recovery after up to two lock durations. The run is not
        // finished, and the executor resumes it from what was stored: handed back as soon as
        // Redis answers, it runs again within moments.
        this.options.onError(error, `execution ${job.id ?? '?'}: the store went away mid-run; handed back once Redis answers`);
        await this.untilConnected();
        await this.handBack(job, token);
      }
      if (!signal.aborted) throw error;
    }
    // Aborted by close(): whatever the handler did, the execution is not known to be finished.
    if (signal.aborted) await this.handBack(job, token);
  }

  /** Resolves once the worker connection is up again, or the consumer stops. */
  private async untilConnected(): Promise<void> {
    while (this.client.status !== 'ready' && !this.stopping) await sleep(RECONNECT_POLL_MS);
  }

  private async afterReconnect(droppedAt: number): Promise<void> {
    try {
      await this.renewLocks();
      await this.leases.renew();
      await this.handBackOrphans(droppedAt);
    } catch (error) {
      this.options.onError(error, 'queue worker: after reconnecting');
    }
  }

  /** Extends the lock of every job this worker runs. */
  private async renewLocks(): Promise<void> {
    const held = [...this.running.values()].filter((r) => r.jobId !== undefined && r.token !== undefined);
    if (held.length === 0) return;
    const failed = await this.worker.extendJobLocks(held.map((r) => r.jobId!), held.map((r) => r.token!), this.options.queue.lockDurationMs);
    // A job handed back meanwhile has no lock left to renew: nothing to say about it.
    const lost = failed.filter((id) => [...this.running.values()].some((r) => r.jobId === id));
    if (lost.length > 0) this.options.onError(new Error(`could not renew the lock of ${lost.join(', ')}`), 'queue worker: renew locks after reconnecting');
  }

  /**
   * Hands back the jobs Redis shows active under this worker's lock that it never received: a
   * fetch (moveToActive, or a completion that fetches the next job) applied just before the
   * connection dropped, whose reply was lost. Such a job sat in the active list, its lock renewed
   * by nobody, until the lock expired and stalled-job recovery found it, up to two lock
   * durations later (issue 15: about 60 s by default). Received means BullMQ made the job
   * (`createJob`), not that it runs yet: BullMQ can hold a fetched job while its next fetch
   * blocks, and handing such a job back ran it twice at once. A lock taken before the drop is
   * told from one taken since (a fetch resent after the reconnection) by its age: its time to
   * live is shorter than a full lock less the time since the drop.
   */
  private async handBackOrphans(droppedAt: number): Promise<void> {
    const active = await this.client.lrange(this.worker.toKey('active'), 0, -1);
    const candidates = active.filter((id) => !this.worker.received.has(id));
    if (candidates.length === 0) return;
    const pipeline = this.client.pipeline();
    for (const id of candidates) pipeline.get(this.worker.toKey(`${id}:lock`)).pttl(this.worker.toKey(`${id}:lock`));
    const replies = (await pipeline.exec()) ?? [];
    const mine = `${this.worker.id}:`;
    const takenBefore = this.options.queue.lockDurationMs - (Date.now() - droppedAt);
    for (const [i, id] of candidates.entries()) {
      const token = replies[2 * i]?.[1];
      const ttl = replies[2 * i + 1]?.[1];
      if (typeof token !== 'string' || !token.startsWith(mine) || typeof ttl !== 'number' || ttl <= 0 || ttl > takenBefore) continue;
      if (this.worker.received.has(id)) continue;
      const job = await Job.fromId(this.worker, id);
      if (job === undefined) continue;
      await withDeadline(job.moveToWait(token), this.options.connection.closeTimeoutMs, 'hand back job');
      this.options.onError(new Error(`job ${id} was taken just before the connection dropped and never received; handed back`), 'queue worker: after reconnecting');
    }
  }

  /** Moves the job back to wait and tells BullMQ to leave it alone (WaitingError). */
  private async handBack(job: Job<ExecutionJobData>, token: string | undefined): Promise<never> {
    if (!this.forced && token !== undefined && this.client.status !== 'ready') {
      // Redis is away: moving the job would only wait for it. The lock expires instead.
      this.options.onError(new Error('Redis is unreachable; left to stalled-job recovery'), `execution ${job.id ?? '?'}: hand back`);
    } else if (!this.forced && token !== undefined) {
      try {
        await withDeadline(job.moveToWait(token), this.options.connection.closeTimeoutMs, 'hand back job');
      } catch (error) {
        // Not lost: the lock expires and stalled-job recovery redelivers it.
        this.options.onError(error, `execution ${job.id ?? '?'}: hand back`);
      }
    }
    throw new WaitingError();
  }

  private async shutdown(graceMs: number): Promise<void> {
    const { closeTimeoutMs } = this.options.connection;
    // The grace counts from the call, pausing included, so a caller with a deadline of its own
    // (the server's stop) can rely on it.
    const graceEnd = Date.now() + graceMs;
    this.stopping = true;
    try {
      // Stop fetching; running jobs go on and keep their locks renewed.
      await withDeadline(this.worker.pause(true), Math.min(closeTimeoutMs, graceMs), 'pause worker').catch(noop);
      if (!(await this.idle(graceEnd - Date.now()))) {
        const reason = new Error(`queue consumer closing: handler still running after ${graceMs} ms`);
        this.stop.abort(reason);
        await this.idle(this.options.queue.abortWaitMs);
      }
      this.forced = this.running.size > 0;
      // With Redis away, BullMQ's close waits for it (bullmq#2430): do not wait at all, the
      // connections are dropped below and nothing of this worker's is left to save.
      const closeWaitMs = this.client.status === 'ready' ? closeTimeoutMs : 0;
      await withDeadline(this.worker.close(this.forced), closeWaitMs, 'close worker').catch((error: unknown) =>
        this.options.onError(error, 'queue worker close'),
      );
    } finally {
      // A handler still running (it ignored its signal) keeps its lease until it expires, within
      // the lock duration, as its job keeps its lock: letting it go would let the execution run
      // twice at once. Releases already sent get their answer (and promotions) before the QUIT.
      this.leases.stop();
      await withDeadline(Promise.all(this.releasing), this.client.status === 'ready' ? closeTimeoutMs : 0, 'release leases').catch(noop);
      await closeClient(this.client, closeTimeoutMs);
      for (const copy of this.duplicates) if (copy.status !== 'end') copy.disconnect();
      this.onClosed(this);
    }
  }

  /** True once no handler runs, false if some still do after `ms`. */
  private async idle(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (this.running.size > 0) {
      const left = until - Date.now();
      if (left <= 0) return false;
      await Promise.race([Promise.all([...this.running.values()].map((entry) => entry.done)), sleep(left)]);
    }
    return true;
  }
}

function noop(): void {}

/** How often a run cut off from Redis looks whether the worker connection is back. */
const RECONNECT_POLL_MS = 50;

/**
 * True for a store failure of the transport (connection dropped, reply lost, not connected, no
 * answer), false for a Redis reply that refuses the command (out of memory, say), which is left
 * to BullMQ's attempts and backoff: handing such a job back would only meet the refusal again.
 */
function lostConnection(error: unknown): boolean {
  if (!isSluiceError(error, 'RUNTIME_UNAVAILABLE')) return false;
  const cause: unknown = (error as { cause?: unknown }).cause;
  return !(cause instanceof Error && cause.name === 'ReplyError');
}

/**
 * The execution a job carries, if it has the shape the handler reads first (its id and state).
 * Anything else is left out and the handler reads the store; what it carries is never trusted
 * further than that, since the executor's first save is conditional on the store holding it.
 */
function carriedExecution(data: ExecutionJobData, executionId: string): Execution | undefined {
  const carried: unknown = data.execution;
  if (typeof carried !== 'object' || carried === null) return undefined;
  const { id, state } = carried as { id?: unknown; state?: { current?: unknown } };
  return id === executionId && typeof state === 'object' && state !== null && typeof state.current === 'string' ? (carried as Execution) : undefined;
}
