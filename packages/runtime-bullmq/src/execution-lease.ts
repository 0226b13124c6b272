import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';
import { LuaScript } from './scripts.js';

/**
 * The per-execution lease that keeps the jobs of one execution from running at once across
 * workers (the `ExecutionQueue` port's guarantee). BullMQ locks jobs, not executions: a wake job
 * (`<id>-at-<ms>`) can be fetched by one worker while another still runs the execution's own
 * job, and the executor would take the other's RUNNING task runs for crashed ones and run them
 * again.
 *
 * - Taken before the handler runs: one script (one round trip) sets the lease key to the job's
 *   lock token if it is free, or already ours (a command resent after a reconnection).
 * - Renewed with the job locks' cadence (half the lock duration), one script for all the leases
 *   of this worker, so a live holder never loses it and a dead one lets go within the lock
 *   duration, like BullMQ's own job locks.
 * - Let go by compare-and-delete when the job ends, which also takes the waiters to promote.
 * - A job that finds the lease held moves itself to delayed (no attempt counted) for one lock
 *   duration, the most a lease can have left, then records itself as a waiter (or, if the lease
 *   went meanwhile, is promoted at once). The order closes the race with the holder's release:
 *   recorded before the release, the releaser promotes it (it is delayed by then); recorded after,
 *   the script sees the lease free and the waiter promotes itself.
 */

/**
 * Takes the lease. KEYS: lease. ARGV: token, ttl ms. Returns 1 when held by `token` now, 0 when
 * someone else holds it.
 */
const takeScript = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`);

/**
 * Records a delayed job as waiting for the lease. KEYS: lease, waiters. ARGV: job id, waiters ttl
 * ms. Returns 1 when recorded (the holder's release promotes it), 0 when the lease is free (the
 * caller promotes its job itself).
 */
const waitScript = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`);

/**
 * Lets the lease go if `token` holds it, and once it is free takes the waiters to promote.
 * KEYS: lease, waiters. ARGV: token. Returns the job ids to promote.
 */
const releaseScript = new LuaScript(`
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('DEL', KEYS[1]) elseif holder ~= false then return {} end
local waiters = redis.call('SMEMBERS', KEYS[2])
if #waiters > 0 then redis.call('DEL', KEYS[2]) end
return waiters
`);

/**
 * Renews the leases a worker holds. KEYS: the leases. ARGV: ttl ms, then one token per key.
 * A lease still ours is extended; one that is gone (expired through an outage, or a Redis that
 * lost its data) is taken again, as its handler still runs; one that another holds is reported.
 * Returns the indexes (1-based) of the leases held by another.
 */
const renewScript = new LuaScript(`
local lost = {}
for i, key in ipairs(KEYS) do
  local holder = redis.call('GET', key)
  if holder == ARGV[i + 1] or holder == false then
    redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[1])
  else
    table.insert(lost, i)
  end
end
return lost
`);

/** The leases one consumer holds, and the calls that take, renew and release them. */
export interface ExecutionLeases {
  /** Takes the lease of `executionId` for the job locked by `token`: true when taken. */
  take(executionId: string, token: string): Promise<boolean>;
  /**
   * After the job was moved to delayed: records it as a waiter; resolves true when the lease went
   * meanwhile and the caller must promote the job itself.
   */
  wait(executionId: string, jobId: string): Promise<boolean>;
  /**
   * Lets the lease go: the command is sent now, in order before anything sent after it on the
   * connection, and the returned promise settles with the ids of the waiting jobs to promote.
   */
  release(executionId: string, token: string): Promise<string[]>;
  /** Renews every lease held now (after a reconnection, rather than at the timer's next turn). */
  renew(): Promise<void>;
  /** Stops the renewal timer (a lease still held then expires within the lock duration). */
  stop(): void;
}

/**
 * The leases of one consumer on `client`. `onError` hears a lease found held by another at
 * renewal, or a renewal that failed.
 */
export function executionLeases(client: Redis, keys: Keys, lockDurationMs: number, onError: (error: unknown, context: string) => void): ExecutionLeases {
  const held = new Map<string, string>();
  let timer: NodeJS.Timeout | undefined;

  const renew = async (): Promise<void> => {
    const entries = [...held.entries()];
    if (entries.length === 0) return;
    const lost = (await renewScript.run(client, entries.map(([id]) => keys.executionLease(id)), [lockDurationMs, ...entries.map(([, token]) => token)])) as number[];
    const ids = lost.map((i) => entries[i - 1]![0]).filter((id) => held.get(id) !== undefined);
    if (ids.length > 0) onError(new Error(`the lease of execution ${ids.join(', ')} is held by another worker`), 'queue worker: renew leases');
  };

  const track = (executionId: string, token: string): void => {
    held.set(executionId, token);
    // One timer for all leases, on the job locks' cadence (BullMQ renews them at half the lock).
    timer ??= setInterval(() => void renew().catch((error: unknown) => onError(error, 'queue worker: renew leases')), lockDurationMs / 2);
    timer.unref();
  };

  const untrack = (executionId: string, token: string): void => {
    if (held.get(executionId) === token) held.delete(executionId);
    if (held.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    async take(executionId, token) {
      const taken = (await takeScript.run(client, [keys.executionLease(executionId)], [token, lockDurationMs])) === 1;
      if (taken) track(executionId, token);
      return taken;
    },
    async wait(executionId, jobId) {
      const recorded = await waitScript.run(client, [keys.executionLease(executionId), keys.executionLeaseWaiters(executionId)], [jobId, 2 * lockDurationMs]);
      return recorded === 0;
    },
    release(executionId, token) {
      untrack(executionId, token);
      return releaseScript.run(client, [keys.executionLease(executionId), keys.executionLeaseWaiters(executionId)], [token]) as Promise<string[]>;
    },
    renew,
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      held.clear();
    },
  };
}
