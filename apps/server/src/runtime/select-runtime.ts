import type { Runtime } from '@sluice/engine';
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
export async function selectRuntime(config: Config, role: Role): Promise<Runtime> {
  const kind = config.SLUICE_RUNTIME ?? (config.REDIS_URL ? 'bullmq' : 'memory');
  if (kind === 'memory') {
    if (role !== 'standalone') throw serverErrors.ROLE_NEEDS_REDIS(role);
    return createMemoryRuntime({ concurrency: config.SLUICE_WORKER_CONCURRENCY });
  }
  if (!config.REDIS_URL) throw serverErrors.CONFIG_INVALID(['REDIS_URL: required when SLUICE_RUNTIME is bullmq']);
  return createBullmqRuntime({ redisUrl: config.REDIS_URL, prefix: config.SLUICE_REDIS_PREFIX, role });
}
