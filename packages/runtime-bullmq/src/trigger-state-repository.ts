import type { StoredTriggerWindow, TriggerDisabledBy, TriggerKey, TriggerState, TriggerStateRepository, TriggerStateUpdate } from '@sluice/engine';
import { applyWindowEntry, inTriggerNamespace } from '@sluice/engine';
import { unavailable } from './connection.js';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import { LuaScript } from './scripts.js';

/**
 * Takes or renews a lease when free, expired or already the holder's.
 * KEYS: trigger hash, tenant trigger index. ARGV: holder, now, ttl ms, index member.
 * Returns the hash's fields and values, or nil when another holder's lease is live.
 */
const acquireScript = new LuaScript(`
local holder = redis.call('HGET', KEYS[1], 'holder')
local untilMs = tonumber(redis.call('HGET', KEYS[1], 'leaseUntil') or '0')
if holder and holder ~= ARGV[1] and untilMs > tonumber(ARGV[2]) then return nil end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'leaseUntil', tonumber(ARGV[2]) + tonumber(ARGV[3]), 'updatedAt', ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[4])
return redis.call('HGETALL', KEYS[1])
`);

/** Gives a lease up if the holder has it. KEYS: trigger hash. ARGV: holder, now. Returns 1 or 0. */
const releaseScript = new LuaScript(`
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], 'holder', 'leaseUntil')
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[2])
return 1
`);

/**
 * A holder's fenced write. KEYS: trigger hash. ARGV: holder, now, executions to add, errors to
 * add, rejected to add, n fields to delete, those n names, then field/value pairs to set.
 * Returns 1, or 0 (and changes nothing) when the holder no longer holds the lease.
 */
const updateScript = new LuaScript(`
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[2])
if tonumber(ARGV[3]) ~= 0 then redis.call('HINCRBY', KEYS[1], 'executions', ARGV[3]) end
if tonumber(ARGV[4]) ~= 0 then redis.call('HINCRBY', KEYS[1], 'errors', ARGV[4]) end
if tonumber(ARGV[5]) ~= 0 then redis.call('HINCRBY', KEYS[1], 'rejected', ARGV[5]) end
local n = tonumber(ARGV[6])
for i = 7, 6 + n do redis.call('HDEL', KEYS[1], ARGV[i]) end
for i = 7 + n, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`);

/**
 * Sets the API's flag. KEYS: trigger hash, tenant index. ARGV: '1' or '0', now, member, who
 * disabled it as JSON ('' for nobody: the field is removed). Returns the hash.
 */
const disableScript = new LuaScript(`
redis.call('HSET', KEYS[1], 'disabled', ARGV[1], 'updatedAt', ARGV[2])
if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'disabledBy') else redis.call('HSET', KEYS[1], 'disabledBy', ARGV[4]) end
redis.call('ZADD', KEYS[2], 0, ARGV[3])
return redis.call('HGETALL', KEYS[1])
`);

/**
 * Notes executions a webhook started. KEYS: trigger hash, tenant index. ARGV: count, execution
 * id, at, now, member. The last execution is replaced only by a newer one.
 */
const noteStartsScript = new LuaScript(`
redis.call('HINCRBY', KEYS[1], 'executions', ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[1], 'lastEvaluatedAt') or '-1')
if tonumber(ARGV[3]) >= last then redis.call('HSET', KEYS[1], 'lastExecutionId', ARGV[2], 'lastEvaluatedAt', ARGV[3]) end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[4])
redis.call('ZADD', KEYS[2], 0, ARGV[5])
return 1
`);

/** Forgets a trigger. KEYS: trigger hash, tenant index, window. ARGV: member. Returns 1 when there was a state. */
const deleteScript = new LuaScript(`
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
return redis.call('DEL', KEYS[1])
`);

/**
 * Compare-and-set of a window. KEYS: window. ARGV: the value read ('' when there was none), the
 * new value. Returns 1 when set, 0 (and changes nothing) when another process wrote in between.
 */
const windowCasScript = new LuaScript(`
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
return 1
`);

/** Compare-and-set attempts before a record gives up (each lost attempt means another process recorded meanwhile). */
const WINDOW_ATTEMPTS = 50;

/** The state a hash's fields hold (a flat HGETALL reply or ioredis's record), or undefined for none. */
function fromHash(key: TriggerKey, raw: readonly string[] | Record<string, string> | null): TriggerState | undefined {
  if (raw === null) return undefined;
  const fields: Record<string, string> = {};
  if (Array.isArray(raw)) for (let i = 0; i + 1 < raw.length; i += 2) fields[raw[i] as string] = raw[i + 1] as string;
  else Object.assign(fields, raw);
  if (Object.keys(fields).length === 0) return undefined;
  const num = (name: string): number | undefined => (fields[name] === undefined ? undefined : Number(fields[name]));
  return {
    key: { ...key },
    ...(fields.holder !== undefined ? { holder: fields.holder } : {}),
    ...(fields.leaseUntil !== undefined ? { leaseUntil: Number(fields.leaseUntil) } : {}),
    ...(fields.cursor !== undefined ? { cursor: JSON.parse(fields.cursor) as unknown } : {}),
    ...(fields.lastEvaluatedAt !== undefined ? { lastEvaluatedAt: Number(fields.lastEvaluatedAt) } : {}),
    ...(fields.nextPollAt !== undefined ? { nextPollAt: Number(fields.nextPollAt) } : {}),
    ...(fields.lastExecutionId !== undefined ? { lastExecutionId: fields.lastExecutionId } : {}),
    ...(fields.lastError !== undefined ? { lastError: JSON.parse(fields.lastError) as TriggerState['lastError'] & object } : {}),
    executions: num('executions') ?? 0,
    errors: num('errors') ?? 0,
    rejected: num('rejected') ?? 0,
    disabled: fields.disabled === '1',
    ...(fields.disabledBy !== undefined ? { disabledBy: JSON.parse(fields.disabledBy) as TriggerDisabledBy } : {}),
    updatedAt: num('updatedAt') ?? 0,
  };
}

/** The update script's arguments after holder and now. */
function updateArgs(update: TriggerStateUpdate): (string | number)[] {
  const removed: string[] = [];
  const set: (string | number)[] = [];
  // A cursor of `undefined` is "no cursor": stored as its absence, like before the first poll.
  if ('cursor' in update) {
    if (update.cursor === undefined) removed.push('cursor');
    else set.push('cursor', JSON.stringify(update.cursor));
  }
  if (update.lastEvaluatedAt !== undefined) set.push('lastEvaluatedAt', update.lastEvaluatedAt);
  if (update.nextPollAt !== undefined) set.push('nextPollAt', update.nextPollAt);
  if (update.lastExecutionId !== undefined) set.push('lastExecutionId', update.lastExecutionId);
  if (update.lastError === null) removed.push('lastError');
  else if (update.lastError !== undefined) set.push('lastError', JSON.stringify({ message: update.lastError.message, at: update.lastError.at }));
  return [update.addExecutions ?? 0, update.addErrors ?? 0, update.addRejected ?? 0, removed.length, ...removed, ...set];
}

/**
 * Trigger state and leases in Redis: one hash per trigger, one field per part, so a counter is
 * a HINCRBY and the cursor is kept as the JSON the plugin's value gave. Each change is one Lua
 * script, so the lease check and the write are one atomic step across processes: that is the
 * fence a process that lost its lease meets.
 */
export function createTriggerStateRepository(store: RedisStore, keys: Keys, now: () => number = Date.now): TriggerStateRepository {
  const ids = (key: TriggerKey): [string, string] => [keys.trigger(key), keys.triggerIndex(key.tenantId)];
  return {
    async acquire(key, holder, ttlMs) {
      const raw = await store.run('take trigger lease', (client) => acquireScript.run(client, ids(key), [holder, now(), ttlMs, keys.triggerMember(key)]));
      return fromHash(key, raw as string[] | null);
    },
    async release(key, holder) {
      return (await store.run('release trigger lease', (client) => releaseScript.run(client, [keys.trigger(key)], [holder, now()]))) === 1;
    },
    async update(key, holder, update) {
      const args = [holder, now(), ...updateArgs(update)];
      return (await store.run('update trigger state', (client) => updateScript.run(client, [keys.trigger(key)], args))) === 1;
    },
    async setDisabled(key, disabled, by) {
      const who = disabled && by ? JSON.stringify(by) : '';
      const raw = await store.run('disable trigger', (client) => disableScript.run(client, ids(key), [disabled ? '1' : '0', now(), keys.triggerMember(key), who]));
      return fromHash(key, raw as string[]) as TriggerState;
    },
    async noteStarts(key, note) {
      await store.run('note trigger starts', (client) => noteStartsScript.run(client, ids(key), [note.count, note.lastExecutionId, note.at, now(), keys.triggerMember(key)]));
    },
    async get(key) {
      return fromHash(key, await store.run('read trigger state', (client) => client.hgetall(keys.trigger(key))));
    },
    async list(tenantId, filter = {}) {
      const members = await store.run('list triggers', (client) => client.zrange(keys.triggerIndex(tenantId), 0, -1));
      const wanted = members
        .map((member) => JSON.parse(member) as [string, string, string])
        .filter(([namespace, flowId]) => inTriggerNamespace(namespace, filter.namespace) && (filter.flowId === undefined || flowId === filter.flowId))
        .map(([namespace, flowId, triggerId]): TriggerKey => ({ tenantId, namespace, flowId, triggerId }));
      if (wanted.length === 0) return [];
      const replies = await store.run('read trigger states', async (client) => {
        const pipeline = client.pipeline();
        for (const key of wanted) pipeline.hgetall(keys.trigger(key));
        return (await pipeline.exec()) ?? [];
      });
      const states: TriggerState[] = [];
      replies.forEach(([error, raw], i) => {
        if (error) throw error;
        const state = fromHash(wanted[i] as TriggerKey, raw as Record<string, string>);
        if (state) states.push(state);
      });
      return states;
    },
    async delete(key) {
      return (await store.run('delete trigger state', (client) => deleteScript.run(client, [...ids(key), keys.triggerWindow(key)], [keys.triggerMember(key)]))) === 1;
    },
    // The window's rules are applied here (applyWindowEntry, shared with the other runtimes),
    // then written only if no other process wrote the window since it was read: a lost race is
    // read and applied again, so concurrent records are serialised and one of them completes it.
    async recordWindow(key, executionId, entry) {
      const windowKey = keys.triggerWindow(key);
      for (let attempt = 0; attempt < WINDOW_ATTEMPTS; attempt++) {
        const raw = await store.run('read trigger window', (client) => client.get(windowKey));
        const outcome = applyWindowEntry(raw === null ? undefined : (JSON.parse(raw) as StoredTriggerWindow), executionId, entry);
        if (!outcome.changed) return { fired: outcome.fired };
        const set = await store.run('record trigger window', (client) => windowCasScript.run(client, [windowKey], [raw ?? '', JSON.stringify(outcome.window)]));
        if (set === 1) return { fired: outcome.fired };
      }
      throw unavailable('record trigger window', `it kept changing under ${WINDOW_ATTEMPTS} attempts to record execution ${executionId}`);
    },
  };
}
