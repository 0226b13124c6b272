import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Runtime } from '@sluice/engine';
import type { Logger } from 'pino';
import { createBullmqRuntime } from '@sluice/runtime-bullmq';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { createSqliteRuntime, DATABASE_FILE } from '@sluice/runtime-sqlite';
import type { Config } from '../config/config.schema.js';
import { serverErrors } from '../errors.js';

export type Role = 'standalone' | 'webserver' | 'worker';

/** The runtime kinds, as `SLUICE_RUNTIME` names them. */
export type RuntimeKind = 'sqlite' | 'memory' | 'bullmq';

/** The executions kept in process by default: about 70 MB of heap at about 7 KB each. */
export const MEMORY_MAX_EXECUTIONS = 10_000;
/** The executions kept on disk by default; see the README for what they take. */
export const SQLITE_MAX_EXECUTIONS = 100_000;

/** The runtime the configuration selects: SLUICE_RUNTIME, else BullMQ with a REDIS_URL, else SQLite. */
export function runtimeKind(config: Config): RuntimeKind {
  return config.SLUICE_RUNTIME ?? (config.REDIS_URL ? 'bullmq' : 'sqlite');
}

/** A runtime and the sentence the start-up line says about it. */
export interface SelectedRuntime {
  readonly runtime: Runtime;
  /** Which store, where, and what it keeps. */
  readonly description: string;
  /** Structured fields of the same, for the JSON log. */
  readonly fields: Readonly<Record<string, unknown>>;
  /**
   * A folder of flows to load once into a store created by this start: the flows the memory
   * runtime wrote to `<SLUICE_DATA_DIR>/flows` when it was the default, so moving to the SQLite
   * default keeps them.
   */
  readonly importFlowsFrom?: string;
}

const hours = (h: number): string => (h === 0 ? 'forever' : h % 24 === 0 ? `${h / 24} days` : `${h} hours`);

/**
 * REDIS_URL selects BullMQ; without it the embedded SQLite runtime runs (`SLUICE_DATA_DIR`).
 * SLUICE_RUNTIME chooses explicitly. The webserver and worker roles exist to share one queue
 * between processes, so they refuse the embedded runtimes rather than silently running a queue
 * nobody else sees.
 */
export async function selectRuntime(config: Config, role: Role, logger: Logger): Promise<SelectedRuntime> {
  const kind = runtimeKind(config);
  const age = config.SLUICE_RETENTION_MAX_AGE_HOURS;
  const logsPer = config.SLUICE_RETENTION_LOGS_PER_EXECUTION;
  if (kind !== 'bullmq' && role !== 'standalone') throw serverErrors.ROLE_NEEDS_REDIS(role);
  if (kind === 'memory') {
    const max = config.SLUICE_RETENTION_MAX_EXECUTIONS ?? MEMORY_MAX_EXECUTIONS;
    return {
      runtime: createMemoryRuntime({
        concurrency: config.SLUICE_WORKER_CONCURRENCY,
        retention: { maxExecutions: max, maxAgeSeconds: age * 3600, maxLogsPerExecution: logsPer },
      }),
      description: `executions and logs are kept in memory and lost on restart (at most ${max} executions, for ${hours(age)}); unset SLUICE_RUNTIME to keep them in SQLite, or set REDIS_URL to use Redis`,
      fields: { maxExecutions: max, maxAgeHours: age, logsPerExecution: logsPer },
    };
  }
  if (kind === 'sqlite') {
    const max = config.SLUICE_RETENTION_MAX_EXECUTIONS ?? SQLITE_MAX_EXECUTIONS;
    const runtime = createSqliteRuntime({
      dir: resolve(config.SLUICE_DATA_DIR),
      synchronous: config.SLUICE_SQLITE_SYNCHRONOUS,
      concurrency: config.SLUICE_WORKER_CONCURRENCY,
      closeGraceMs: config.SLUICE_SHUTDOWN_GRACE_MS,
      retention: { maxExecutions: max, maxAgeSeconds: age * 3600, maxLogsPerExecution: logsPer },
      onError: throttled(logger),
      onMigrate: (from, to) => logger.info({ file: resolve(config.SLUICE_DATA_DIR, DATABASE_FILE), from, to }, `upgrading the database from schema ${from} to ${to}, in one transaction: every stored execution may be rewritten, so a large file takes a while`),
    });
    const legacy = resolve(config.SLUICE_DATA_DIR, 'flows');
    return {
      runtime,
      ...(runtime.created && !config.SLUICE_FLOWS_DIR && existsSync(legacy) ? { importFlowsFrom: legacy } : {}),
      description: `executions are stored in ${runtime.file} (synchronous ${config.SLUICE_SQLITE_SYNCHRONOUS}), kept for ${hours(age)} and at most ${max}, ${logsPer} log lines each`,
      fields: { file: runtime.file, synchronous: config.SLUICE_SQLITE_SYNCHRONOUS, maxExecutions: max, maxAgeHours: age, logsPerExecution: logsPer },
    };
  }
  if (!config.REDIS_URL) throw serverErrors.CONFIG_INVALID(['REDIS_URL: required when SLUICE_RUNTIME is bullmq']);
  // Redis expires executions by age (a TTL per key); a count would need a scan across keys
  // that Redis Cluster spreads over slots, so it is refused rather than accepted and ignored.
  if (config.SLUICE_RETENTION_MAX_EXECUTIONS !== undefined) {
    throw serverErrors.CONFIG_INVALID(['SLUICE_RETENTION_MAX_EXECUTIONS: not available on Redis, which expires executions by age (SLUICE_RETENTION_MAX_AGE_HOURS)']);
  }
  const runtime = await createBullmqRuntime({
    redisUrl: config.REDIS_URL,
    prefix: config.SLUICE_REDIS_PREFIX,
    role,
    retention: { executionsTtlSeconds: age * 3600, logsPerExecution: logsPer },
    // A dead worker's executions come back after the lock expires; check for them as often.
    queue: {
      lockDurationMs: config.SLUICE_WORKER_LOCK_MS,
      stalledIntervalMs: config.SLUICE_WORKER_LOCK_MS,
      closeGraceMs: config.SLUICE_SHUTDOWN_GRACE_MS,
      carryMaxChars: config.SLUICE_QUEUE_CARRY_MAX_CHARS,
    },
    onError: throttled(logger),
    onWarning: (message) => logger.warn({ component: 'redis' }, `Redis settings: ${message}`),
  });
  return {
    runtime,
    description: `executions are queued on Redis under the prefix '${config.SLUICE_REDIS_PREFIX}', kept for ${hours(age)} after their last write, ${logsPer} log lines each`,
    fields: { prefix: config.SLUICE_REDIS_PREFIX, maxAgeHours: age, logsPerExecution: logsPer },
  };
}

/**
 * Background errors (a dropped connection, a worker error) logged at most once per context
 * every 5 seconds: while Redis is down the client retries many times a second, and one line
 * says as much as a thousand.
 */
function throttled(logger: Logger): (error: unknown, context: string) => void {
  const last = new Map<string, number>();
  return (error, context) => {
    const now = Date.now();
    if ((last.get(context) ?? 0) > now - 5000) return;
    last.set(context, now);
    logger.warn({ context, err: error instanceof Error ? { message: error.message, code: (error as { code?: unknown }).code } : String(error) }, `runtime: ${context}`);
  };
}
