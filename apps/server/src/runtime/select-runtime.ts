import type { Runtime } from '@sluice/engine';
import type { Logger } from 'pino';
import { createBullmqRuntime } from '@sluice/runtime-bullmq';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import type { Config } from '../config/config.schema.js';
import { serverErrors } from '../errors.js';

export type Role = 'standalone' | 'webserver' | 'worker';

/**
 * REDIS_URL selects BullMQ; without it the embedded runtime runs. SLUICE_RUNTIME chooses
 * explicitly. The webserver and worker roles exist to share one queue between processes, so
 * they refuse the embedded runtime rather than silently running a queue nobody else sees.
 */
export async function selectRuntime(config: Config, role: Role, logger: Logger): Promise<Runtime> {
  const kind = config.SLUICE_RUNTIME ?? (config.REDIS_URL ? 'bullmq' : 'memory');
  if (kind === 'memory') {
    if (role !== 'standalone') throw serverErrors.ROLE_NEEDS_REDIS(role);
    return createMemoryRuntime({ concurrency: config.SLUICE_WORKER_CONCURRENCY });
  }
  if (!config.REDIS_URL) throw serverErrors.CONFIG_INVALID(['REDIS_URL: required when SLUICE_RUNTIME is bullmq']);
  return createBullmqRuntime({
    redisUrl: config.REDIS_URL,
    prefix: config.SLUICE_REDIS_PREFIX,
    role,
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
