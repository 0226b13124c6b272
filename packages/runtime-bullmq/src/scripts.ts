import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts of the repositories. A script runs atomically in Redis, which is how a flow
 * save reads the latest revision and writes the next one without a race between processes
 * (WATCH/MULTI would need a connection per call, since WATCH is per connection).
 */

/** Every script made, for {@link preloadScripts}. */
const made: LuaScript[] = [];

/**
 * A Lua script run by its SHA1 (EVALSHA, then EVAL on NOSCRIPT). Every script is loaded when a
 * connection becomes ready ({@link preloadScripts}), so the fallback is for a Redis whose script
 * cache was flushed under a live connection.
 */
export class LuaScript {
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
    made.push(this);
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await client.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Loads every script into `client`'s Redis each time the connection becomes ready, first thing
 * on it. A Redis started again has an empty script cache, and an EVALSHA answered NOSCRIPT is
 * sent again as EVAL a round trip later, behind whatever the connection sent meanwhile: that
 * broke the order a caller relies on when it sends a write without waiting for the one before
 * (the server's cancel of an execution whose submit got no answer landed after a worker had
 * started it). Loaded before anything else is sent, every EVALSHA finds its script.
 */
export function preloadScripts(client: Redis, onError: (error: unknown) => void): void {
  client.on('ready', () => {
    for (const script of made) client.script('LOAD', script.lua).catch(onError);
  });
}

/**
 * Saves a flow revision unless the source equals the live latest one.
 * KEYS: flow hash, tenant flow index, tenant flow version. ARGV: revision JSON (without its
 * number), source, index member, change channel, flow key JSON, a fresh epoch (kept only by the
 * first write of the version hash), the expected latest revision ('' for none). Returns
 * `{revision, json, created}`, or `{-1, latest, 0}` when the latest is not the expected one.
 */
export const saveFlowScript = new LuaScript(`
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
if ARGV[7] ~= '' and latest ~= tonumber(ARGV[7]) then return {-1, tostring(latest), 0} end
if latest > 0 and redis.call('HGET', KEYS[1], 'deleted') == '0' and redis.call('HGET', KEYS[1], 'source') == ARGV[2] then
  return {latest, redis.call('HGET', KEYS[1], 'r:' .. latest), 0}
end
local n = latest + 1
redis.call('HSET', KEYS[1], 'latest', n, 'deleted', '0', 'source', ARGV[2], 'r:' .. n, ARGV[1])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('HSETNX', KEYS[3], 'epoch', ARGV[6])
redis.call('HINCRBY', KEYS[3], 'n', 1)
redis.call('PUBLISH', ARGV[4], '{"key":' .. ARGV[5] .. ',"revision":' .. n .. ',"deleted":false}')
return {n, ARGV[1], 1}
`);

/**
 * Records a deletion revision if the latest revision is still `expected` (compare-and-set: the
 * caller built the deletion from that revision). KEYS: flow hash, tenant flow index, tenant flow
 * version. ARGV: expected latest, deletion JSON, index member, change channel, flow key JSON, a
 * fresh epoch. Returns the new revision, 0 when there is nothing to delete, -1 when the latest
 * changed meanwhile.
 */
export const deleteFlowScript = new LuaScript(`
local latest = tonumber(redis.call('HGET', KEYS[1], 'latest') or '0')
if latest == 0 or redis.call('HGET', KEYS[1], 'deleted') == '1' then return 0 end
if latest ~= tonumber(ARGV[1]) then return -1 end
local n = latest + 1
redis.call('HSET', KEYS[1], 'latest', n, 'deleted', '1', 'r:' .. n, ARGV[2])
redis.call('SREM', KEYS[2], ARGV[3])
redis.call('HSETNX', KEYS[3], 'epoch', ARGV[6])
redis.call('HINCRBY', KEYS[3], 'n', 1)
redis.call('PUBLISH', ARGV[4], '{"key":' .. ARGV[5] .. ',"revision":' .. n .. ',"deleted":true}')
return n
`);

/**
 * Lua, for the execution scripts below. An execution is a hash (README.md "Key layout"): `h` its
 * head (the execution with an empty `taskRunList`), `t:<taskRunId>` each task run as
 * `<position>|<json>`. One stored before that layout is a string holding the whole JSON: read as
 * it is, and written whole (as a hash) by its next save.
 *
 * `holds(key, kind, whole, head, first, last)`: whether the execution under `key` (of TYPE `kind`)
 * is exactly the expected one: the whole JSON `whole` for a string, else the head `head` and the
 * task run fields `ARGV[first..last]` (field, value pairs), no more, no fewer.
 *
 * `hsetPairs(key, first, last)`: HSET of the pairs `ARGV[first..last]`, in slices (Lua's unpack
 * cannot spread more than a few thousand values at once).
 */
const EXECUTION_HASH = `
local function holds(key, kind, whole, head, first, last)
  if kind == 'string' then return redis.call('GET', key) == whole end
  if kind ~= 'hash' then return false end
  if redis.call('HGET', key, 'h') ~= head then return false end
  if redis.call('HLEN', key) ~= 1 + (last - first + 1) / 2 then return false end
  for i = first, last, 2 do
    if redis.call('HGET', key, ARGV[i]) ~= ARGV[i + 1] then return false end
  end
  return true
end
local function hsetPairs(key, first, last)
  for i = first, last, 2000 do
    redis.call('HSET', key, unpack(ARGV, i, math.min(i + 1999, last)))
  end
end
`;

/**
 * Stores a new execution unless its key exists (the duplicate guard), with the TTL when `ttl` > 0.
 * KEYS: execution. ARGV: head, TTL seconds, then the task runs' field, value pairs. Returns 1, or
 * 0 when the id was taken.
 */
export const createExecutionScript = new LuaScript(`${EXECUTION_HASH}
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'h', ARGV[1])
if #ARGV > 2 then hsetPairs(KEYS[1], 3, #ARGV) end
if tonumber(ARGV[2]) > 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return 1
`);

/**
 * Deletes an execution and its log lines, if it is still `expected` when one is given.
 * KEYS: execution, its log list (one slot). ARGV: '1' when an expected execution follows ('' for
 * none), its whole JSON, its head, then its task runs' field, value pairs. Returns `{1, tenantId}`
 * when deleted (the caller drops it from the tenant's search index), `{0, ''}` when there was
 * none, `{-1, ''}` when it is no longer the expected one.
 */
export const deleteExecutionScript = new LuaScript(`${EXECUTION_HASH}
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'none' then return {0, ''} end
if ARGV[1] ~= '' and not holds(KEYS[1], kind, ARGV[2], ARGV[3], 4, #ARGV) then return {-1, ''} end
local head = kind == 'string' and redis.call('GET', KEYS[1]) or redis.call('HGET', KEYS[1], 'h')
redis.call('DEL', KEYS[1], KEYS[2])
return {1, tostring(cjson.decode(head).tenantId)}
`);

/**
 * Lua, for the scripts below: appends `ARGV[first..last]` to the list `key`, keeps the newest
 * `max` lines, and sets the list's expiry when `ttl` > 0.
 */
const APPEND_LINES = `
local function appendLines(key, first, last, max, ttl)
  -- In slices: Lua's unpack cannot spread more than a few thousand values at once.
  for i = first, last, 1000 do
    redis.call('RPUSH', key, unpack(ARGV, i, math.min(i + 999, last)))
  end
  redis.call('LTRIM', key, -max, -1)
  if ttl > 0 then redis.call('EXPIRE', key, ttl) end
end
`;

/**
 * Saves an execution with its new log lines and then announces its events, atomically: the
 * lines are stored before the state that follows them, and nothing is published when the write
 * is refused (out of memory, say), so a subscriber that reads the execution on an event finds it
 * saved. A terminal event can carry the execution's whole JSON, sent once for it. With an
 * expected execution, nothing at all happens unless the stored execution is exactly that one
 * (compare-and-set, task runs included).
 *
 * A save writes the head and the task run fields it is given: in mode 'p' (the task runs the
 * save changed) the other fields stay; in mode 'w' (whole) the hash is replaced, which is also
 * how an execution stored as a string before the hash layout, or one no longer stored, is
 * written: a 'p' save finding no hash returns -2 and is sent again whole.
 *
 * KEYS: execution, its log list (one slot). ARGV: 1 head, 2 TTL seconds ('0' for none),
 * 3 channel, 4 max log lines kept, 5 mode ('p' or 'w'), 6 for an expected execution '1' (its
 * whole JSON is 7), 'h' (7 is empty: the whole JSON is its head, it has no task runs) or 'n' (7
 * is empty: not sent), '' for none, 7 its whole JSON, 8 its head, 9 the count of its task run
 * pairs, 10 the count of task run pairs written, 11 the count of log lines, 12 the whole JSON a terminal event
 * carries ('' for none); then the expected pairs, the written pairs (field, value), the lines,
 * then per event its message without the closing brace and '1' to append the carried JSON, '2'
 * for a KILLING event (also published on the kill channel, the channel's name followed by
 * ':kills', which workers listen to), else '0'. Returns 1, 0 when the expected execution was not
 * found, -2 when a 'p' save must be sent whole, -3 when the key holds a string and the expected
 * whole JSON was not sent ('n'): sent again with it.
 *
 * Idempotent: when the store already holds this head and these fields (and in mode 'w' no other
 * field) and the log list already ends with these lines, the save has been applied (a command
 * sent again after its reply was lost) and nothing is done again, no line appended twice, no
 * event published twice. A save of an unchanged execution with new lines still appends them.
 */
export const saveExecutionScript = new LuaScript(`${APPEND_LINES}${EXECUTION_HASH}
local kind = redis.call('TYPE', KEYS[1]).ok
local expectedPairs, writtenPairs, lines = tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local e0 = 12
local w0 = e0 + 2 * expectedPairs
local l0 = w0 + 2 * writtenPairs
local v0 = l0 + lines
local whole = ARGV[5] == 'w'
if kind == 'hash' and redis.call('HGET', KEYS[1], 'h') == ARGV[1] then
  -- Stored already, and its lines with it: this save ran before (its reply lost). Once is enough.
  local same = not whole or redis.call('HLEN', KEYS[1]) == 1 + writtenPairs
  for i = w0 + 1, l0, 2 do
    if not same then break end
    same = redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1]
  end
  local stored = (not same or lines == 0) and {} or redis.call('LRANGE', KEYS[2], -lines, -1)
  same = same and #stored == lines
  for i = 1, lines do
    if not same then break end
    same = stored[i] == ARGV[l0 + i]
  end
  if same then return 1 end
end
if ARGV[6] ~= '' then
  -- 'h': the expected whole JSON is its head (no task runs); 'n': not sent, so a string key asks for it.
  if ARGV[6] == 'n' and kind == 'string' then return -3 end
  if not holds(KEYS[1], kind, ARGV[6] == 'h' and ARGV[8] or ARGV[7], ARGV[8], e0 + 1, w0) then return 0 end
end
if not whole and kind ~= 'hash' then return -2 end
local ttl = tonumber(ARGV[2])
if lines > 0 then appendLines(KEYS[2], l0 + 1, v0, tonumber(ARGV[4]), ttl) end
if whole then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'h', ARGV[1])
if writtenPairs > 0 then hsetPairs(KEYS[1], w0 + 1, l0) end
-- The retention runs from the end: a live execution (and its lines) is kept however long it
-- waits, and a restarted one is kept again.
if ttl > 0 then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
end
for i = v0 + 1, #ARGV, 2 do
  if ARGV[i + 1] == '1' then
    redis.call('PUBLISH', ARGV[3], ARGV[i] .. ',"execution":' .. ARGV[12] .. '}')
  else
    redis.call('PUBLISH', ARGV[3], ARGV[i] .. '}')
    if ARGV[i + 1] == '2' then redis.call('PUBLISH', ARGV[3] .. ':kills', ARGV[i] .. '}') end
  end
end
return 1
`);

/**
 * Sets an execution's search meta only if it still holds `expected` (or nothing): the index
 * update of a conditional save, which lives in the tenant's slot and so cannot be in the save's
 * script. When the save is refused because the execution moved on, the meta has moved on with
 * it and is left alone. KEYS: tenant meta. ARGV: id, expected meta JSON, new meta JSON.
 */
export const setMetaIfScript = new LuaScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == false or current == ARGV[2] then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
`);

/**
 * Indexes a new execution for search and drops index entries older than the retention, a
 * bounded number per call so a create never does unbounded work. An id already indexed is left
 * as it is (ZADD NX, HSETNX): a duplicate create must not reset a stored execution's state.
 * KEYS: tenant index, tenant meta. ARGV: id, creation score, meta JSON, cutoff score (or '-' for
 * no trim), trim limit.
 */
export const indexExecutionScript = new LuaScript(`
if ARGV[4] ~= '-' then
  local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))
  if #old > 0 then
    redis.call('ZREM', KEYS[1], unpack(old))
    redis.call('HDEL', KEYS[2], unpack(old))
  end
end
-- Added after the trim, so an execution dated before the cutoff is still found until it expires.
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3])
return 1
`);

/**
 * Appends log lines to an execution's list, keeps the newest `max`, and sets the expiry, as
 * one atomic step. KEYS: the list. ARGV: max entries, TTL seconds (0: none), then the lines.
 */
export const appendLogsScript = new LuaScript(`${APPEND_LINES}
appendLines(KEYS[1], 3, #ARGV, tonumber(ARGV[1]), tonumber(ARGV[2]))
return 1
`);

/**
 * The `latest` and `deleted` fields of every flow hash given, flattened: one command for a whole
 * tenant's flows, where one HMGET each cost the client a command object and a promise per flow
 * (150 ms of a process's time at 10,000 flows, every reload). KEYS: flow hashes of one tenant
 * (one hash slot). Returns `[latest1, deleted1, latest2, deleted2, ...]`, false for a missing field.
 */
export const flowHeadsScript = new LuaScript(`
local out = {}
for i, key in ipairs(KEYS) do
  local head = redis.call('HMGET', key, 'latest', 'deleted')
  out[2 * i - 1] = head[1]
  out[2 * i] = head[2]
end
return out
`);

/**
 * Stores a key-value entry and indexes its key. KEYS: entry, namespace index. ARGV: entry JSON,
 * expiry in epoch ms ('' for none), '1' to overwrite, key. Returns 1 when stored, 0 when a live
 * entry was kept (no overwrite).
 */
export const setKvScript = new LuaScript(`
if ARGV[3] ~= '1' and redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if ARGV[2] == '' then
  redis.call('SET', KEYS[1], ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2])
end
redis.call('SADD', KEYS[2], ARGV[4])
return 1
`);

/**
 * The live keys of a namespace starting with a prefix; drops the index members whose entry
 * expired. KEYS: namespace index. ARGV: entry key prefix (the entry keys without the key),
 * key prefix. Returns the keys, unsorted.
 */
export const kvKeysScript = new LuaScript(`
local found = {}
for _, key in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. key) == 0 then
    redis.call('SREM', KEYS[1], key)
  elseif string.sub(key, 1, string.len(ARGV[2])) == ARGV[2] then
    found[#found + 1] = key
  end
end
return found
`);
