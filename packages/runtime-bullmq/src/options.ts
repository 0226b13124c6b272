/**
 * Options of {@link createBullmqRuntime} and their defaults, resolved once so every module reads
 * plain numbers.
 */

/** Which processes share this runtime's Redis, as the server's roles name them. */
export type BullmqRuntimeRole = 'webserver' | 'worker' | 'standalone';

/** How long things are kept in Redis. Redis holds everything in memory, so nothing is kept forever by default. */
export interface BullmqRetentionOptions {
  /** Seconds an execution and its logs live after their last write; 0 keeps them forever. Default 7 days. */
  readonly executionsTtlSeconds?: number;
  /** Finished jobs kept in BullMQ's completed set (they also keep a re-enqueue a no-op). Default 1000. */
  readonly completedJobs?: number;
  /** Failed jobs kept in BullMQ's failed set, for diagnosis. Default 10000. */
  readonly failedJobs?: number;
  /** Log entries kept per execution, the newest win. Default 10000. */
  readonly logsPerExecution?: number;
}

/** BullMQ worker tuning. The defaults are BullMQ's own, made explicit. */
export interface BullmqQueueOptions {
  /** How long a job's lock lives without renewal; a dead worker's job is recovered after it. Default 30000. */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired. Default 30000. */
  readonly stalledIntervalMs?: number;
  /** Recoveries of one job from a stall before it is failed (a job that kills its worker). Default 1. */
  readonly maxStalledCount?: number;
  /** Runs of a job whose handler throws (the executor is idempotent, so a retry is safe). Default 3. */
  readonly attempts?: number;
  /** First retry delay, doubled on each further attempt. Default 2000. */
  readonly backoffMs?: number;
  /** `close()` without an argument waits this long for running handlers. Default 10000. */
  readonly closeGraceMs?: number;
  /** After the grace, how long aborted handlers get to hand their job back before the force close. Default 500. */
  readonly abortWaitMs?: number;
  /**
   * An execution whose JSON is at most this many characters travels in its job, so the worker
   * starts it without reading it back (one round trip less). The job then holds what the
   * execution key holds, trigger body and headers included; 0 keeps job data to the execution id,
   * for a queue dashboard that must not show execution data. Default 16384.
   */
  readonly carryMaxChars?: number;
}

/** Connection tuning of the request path (repositories, enqueue, pub/sub). */
export interface BullmqConnectionOptions {
  /** TCP connect timeout of one attempt. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** A command without a reply after this long rejects. Default 2000. */
  readonly commandTimeoutMs?: number;
  /** A call made while the first connection is still being set up waits at most this long. Default 1000. */
  readonly readyTimeoutMs?: number;
  /** Closing a connection politely (QUIT) waits at most this long before dropping it. Default 1000. */
  readonly closeTimeoutMs?: number;
}

/** Options of {@link createBullmqRuntime}. */
export interface BullmqRuntimeOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. */
  readonly redisUrl: string;
  /** First segment of every key and channel, so several installations can share one Redis. Default `sluice`. */
  readonly prefix?: string;
  readonly retention?: BullmqRetentionOptions;
  /** `webserver` never consumes the queue: `consume()` throws. Default `standalone`. */
  readonly role?: BullmqRuntimeRole;
  readonly queue?: BullmqQueueOptions;
  readonly connection?: BullmqConnectionOptions;
  /**
   * Receives errors that have no caller to reject: connection drops, worker errors, handlers
   * that threw. Default: ignored (the server passes its logger).
   */
  readonly onError?: (error: unknown, context: string) => void;
  /**
   * Receives a line for each Redis setting that puts acknowledged executions at risk
   * (`maxmemory-policy` other than noeviction, no append-only file), checked whenever the
   * connection becomes ready. Default: ignored (the server logs them as warnings).
   */
  readonly onWarning?: (message: string) => void;
}

/** Every option with its default applied. */
export interface ResolvedOptions {
  readonly redisUrl: string;
  readonly prefix: string;
  readonly role: BullmqRuntimeRole;
  readonly retention: Required<BullmqRetentionOptions>;
  readonly queue: Required<BullmqQueueOptions>;
  readonly connection: Required<BullmqConnectionOptions>;
  readonly onError: (error: unknown, context: string) => void;
  readonly onWarning: (message: string) => void;
}

/** The defaults, exported so the README and tests quote one source. */
export const DEFAULTS = {
  prefix: 'sluice',
  role: 'standalone',
  retention: { executionsTtlSeconds: 7 * 24 * 3600, completedJobs: 1000, failedJobs: 10_000, logsPerExecution: 10_000 },
  queue: {
    lockDurationMs: 30_000,
    stalledIntervalMs: 30_000,
    maxStalledCount: 1,
    attempts: 3,
    backoffMs: 2000,
    closeGraceMs: 10_000,
    abortWaitMs: 500,
    carryMaxChars: 16 * 1024,
  },
  connection: { connectTimeoutMs: 2000, commandTimeoutMs: 2000, readyTimeoutMs: 1000, closeTimeoutMs: 1000 },
} as const satisfies Omit<ResolvedOptions, 'redisUrl' | 'onError' | 'onWarning'>;

function check(group: string, values: Record<string, number>, minimum: number): void {
  for (const [name, value] of Object.entries(values)) {
    if (!Number.isInteger(value) || value < minimum) {
      throw new RangeError(`runtime-bullmq: ${group}.${name} must be an integer >= ${minimum}, got ${String(value)}`);
    }
  }
}

/** Applies defaults and rejects values that would make Redis or BullMQ misbehave. */
export function resolveOptions(options: BullmqRuntimeOptions): ResolvedOptions {
  if (typeof options.redisUrl !== 'string' || !/^rediss?:\/\//.test(options.redisUrl)) {
    throw new TypeError('runtime-bullmq: redisUrl must start with redis:// or rediss://');
  }
  const prefix = options.prefix ?? DEFAULTS.prefix;
  // A ':' would blur the key layout and BullMQ refuses it in queue names; spaces break SCAN patterns.
  if (!/^[A-Za-z0-9_.{}-]+$/.test(prefix)) {
    throw new TypeError(`runtime-bullmq: prefix '${prefix}' may use only letters, digits and _ . - { }`);
  }
  const retention = { ...DEFAULTS.retention, ...options.retention };
  const queue = { ...DEFAULTS.queue, ...options.queue };
  const connection = { ...DEFAULTS.connection, ...options.connection };
  check('retention', { executionsTtlSeconds: retention.executionsTtlSeconds }, 0);
  check('retention', { completedJobs: retention.completedJobs, failedJobs: retention.failedJobs, logsPerExecution: retention.logsPerExecution }, 1);
  check('queue', { lockDurationMs: queue.lockDurationMs, stalledIntervalMs: queue.stalledIntervalMs, attempts: queue.attempts }, 1);
  check('queue', { maxStalledCount: queue.maxStalledCount, backoffMs: queue.backoffMs, closeGraceMs: queue.closeGraceMs, abortWaitMs: queue.abortWaitMs, carryMaxChars: queue.carryMaxChars }, 0);
  check('connection', connection, 1);
  return {
    redisUrl: options.redisUrl,
    prefix,
    role: options.role ?? DEFAULTS.role,
    retention,
    queue,
    connection,
    onError: options.onError ?? (() => undefined),
    onWarning: options.onWarning ?? (() => undefined),
  };
}
