// The bench's own Redis use: unique key prefixes, deleting them afterwards (never FLUSHDB: the
// Redis is shared), and counting Sluice executions that reach a terminal state.
import { randomBytes } from 'node:crypto';
import { loadIORedis } from './modules.mjs';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!/^redis:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/\d+)?$/.test(REDIS_URL)) throw new Error(`bench: BENCH_REDIS_URL must be a local redis:// URL, got ${REDIS_URL}`);

/** Prefixes made and not yet deleted: what an interrupted run still has to clean up. */
const pending = new Set();

export function uniquePrefix(name) {
  const prefix = `bench-${name}-${randomBytes(4).toString('hex')}`;
  pending.add(prefix);
  return prefix;
}

/** Deletes the keys of every prefix not deleted yet (after an interruption); never throws. */
export async function deletePendingPrefixes() {
  for (const prefix of [...pending]) {
    try {
      await deletePrefix(prefix);
    } catch (error) {
      process.stderr.write(`bench: could not delete keys under ${prefix}: ${error}\n`);
    }
  }
}

export function redisClient(options = {}) {
  const IORedis = loadIORedis();
  return new IORedis(REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 2000, ...options });
}

/** Deletes every key under `prefix:` (SCAN + UNLINK, in batches); returns how many. */
export async function deletePrefix(prefix) {
  if (!/^bench-[a-z0-9-]+-[0-9a-f]{8}$/.test(prefix)) throw new Error(`refusing to delete keys of a prefix the bench did not make: ${prefix}`);
  const client = redisClient();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
      cursor = next;
      if (keys.length > 0) deleted += await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  pending.delete(prefix);
  return deleted;
}

/**
 * Counts the terminal execution events Sluice publishes on `<prefix>:executions:events` (the
 * executor publishes one when an execution ends: `{ executionId, state, terminated }`, and the
 * ended execution when it is small), with the
 * hrtime of the last one. Costs Sluice nothing it does not already do: it publishes anyway.
 */
export async function executionEventCounter(prefix) {
  const client = redisClient({ maxRetriesPerRequest: null });
  const counts = { success: 0, other: 0, lastNs: 0n };
  client.on('message', (_channel, message) => {
    if (!message.includes('"terminated":true')) return;
    if (JSON.parse(message).state === 'SUCCESS') counts.success++;
    else counts.other++;
    counts.lastNs = process.hrtime.bigint();
  });
  await client.subscribe(`${prefix}:executions:events`);
  return {
    snapshot: () => ({ ...counts }),
    close: () => client.disconnect(),
  };
}
