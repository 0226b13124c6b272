import type { Redis } from 'ioredis';

/**
 * The Redis settings Sluice's promises rest on, checked whenever the request connection becomes
 * ready (at start, and after Redis restarted, perhaps with another configuration). Sluice's
 * record of an acknowledged execution is Redis, so a Redis that evicts keys or keeps nothing on
 * disk breaks "acknowledged means stored" without an error anywhere: the operator is warned.
 */

/** What is read from Redis; undefined where it could not be read (a managed Redis may refuse CONFIG). */
export interface RedisSettings {
  readonly maxmemoryPolicy?: string;
  readonly aofEnabled?: boolean;
  /** The `save` setting (RDB snapshot points); '' when there are none. */
  readonly savePoints?: string;
  readonly appendfsync?: string;
}

/** The warnings `settings` call for, each one line saying what is at risk and what to set. */
export function redisSettingWarnings(settings: RedisSettings): string[] {
  const warnings: string[] = [];
  const { maxmemoryPolicy, aofEnabled, savePoints, appendfsync } = settings;
  if (maxmemoryPolicy === undefined) {
    warnings.push('Redis maxmemory-policy could not be read: it must be noeviction (BullMQ requires it), or Redis may evict job, lock and execution keys when its memory is full and lose executions');
  } else if (maxmemoryPolicy !== 'noeviction') {
    warnings.push(`Redis maxmemory-policy is ${maxmemoryPolicy}: when its memory is full Redis evicts keys, BullMQ's job and lock keys and Sluice's executions among them, and executions are lost; set maxmemory-policy noeviction (BullMQ requires it)`);
  }
  if (aofEnabled === undefined) {
    warnings.push('Redis persistence could not be read: without appendonly yes, a Redis restart loses acknowledged executions');
  } else if (!aofEnabled && savePoints === '') {
    warnings.push('Redis keeps nothing on disk (appendonly no, no save points): a Redis restart loses every flow, execution and queued job; set appendonly yes');
  } else if (!aofEnabled) {
    warnings.push(`Redis persists by RDB snapshots only (save ${savePoints ?? '?'}): a Redis restart loses everything written since the last snapshot, acknowledged executions included; set appendonly yes`);
  } else if (appendfsync === 'no') {
    warnings.push('Redis appendfsync is no: the operating system decides when the append-only file reaches the disk, so a crash of the host can lose about 30 s of acknowledged executions; set appendfsync everysec (at most a second) or always');
  }
  return warnings;
}

/** Reads the {@link RedisSettings} from INFO, and from CONFIG GET where Redis allows it. */
export async function readRedisSettings(client: Redis): Promise<RedisSettings> {
  const info = await client.info('memory').then((memory) => memory, () => '');
  const persistence = await client.info('persistence').then((text) => text, () => '');
  const field = (text: string, name: string): string | undefined => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim();
  const config = async (name: string): Promise<string | undefined> => {
    try {
      const reply = (await client.config('GET', name)) as unknown;
      return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : undefined;
    } catch {
      return undefined;
    }
  };
  const aof = field(persistence, 'aof_enabled');
  const maxmemoryPolicy = field(info, 'maxmemory_policy') ?? await config('maxmemory-policy');
  const savePoints = await config('save');
  const appendfsync = await config('appendfsync');
  return {
    ...(maxmemoryPolicy !== undefined ? { maxmemoryPolicy } : {}),
    ...(aof !== undefined ? { aofEnabled: aof === '1' } : {}),
    ...(savePoints !== undefined ? { savePoints } : {}),
    ...(appendfsync !== undefined ? { appendfsync } : {}),
  };
}

/**
 * Checks the settings each time `client` becomes ready and passes each warning to `warn`, once
 * per change: a reconnection to the same Redis says nothing new.
 */
export function watchRedisSettings(client: Redis, warn: (message: string) => void): void {
  let last = '';
  client.on('ready', () => {
    readRedisSettings(client).then((settings) => {
      const warnings = redisSettingWarnings(settings);
      const key = warnings.join('\n');
      if (key === last) return;
      last = key;
      for (const warning of warnings) warn(warning);
    }, () => undefined);
  });
}
