import type { ConcurrencyLimits, PromotedSlot } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import { LuaScript } from './scripts.js';

// The engine's rules (`applyAcquire`, `applyRelease` in concurrency/slots.ts), in Lua so each
// call is one atomic step across every process. KEYS of both scripts: running hash, line sorted
// set, entries hash, seq counter (keys.ts). `promote` serves the line: the oldest entry takes a
// free slot while fewer than its own limit hold one. `pending` lists promotions not confirmed.
const SLOT_HELPERS = `
local function promote()
  while true do
    local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
    if not head then return end
    local entry = redis.call('HGET', KEYS[3], head) or '1:0'
    local sep = string.find(entry, ':', 1, true)
    if redis.call('HLEN', KEYS[1]) >= tonumber(string.sub(entry, 1, sep - 1)) then return end
    redis.call('HSET', KEYS[1], head, string.sub(entry, sep + 1))
    redis.call('ZREM', KEYS[2], head)
    redis.call('HDEL', KEYS[3], head)
  end
end
local function pending(except)
  local found = {}
  local all = redis.call('HGETALL', KEYS[1])
  for i = 1, #all, 2 do
    if all[i + 1] ~= '' and all[i] ~= except then
      found[#found + 1] = all[i]
      found[#found + 1] = all[i + 1]
    end
  end
  return found
end
`;

/**
 * ARGV: execution id, limit, '1' to wait in line, epoch ms. Returns
 * `{outcome, slots held by others, {id, queuedAt, ...}}`.
 */
const acquireScript = new LuaScript(`${SLOT_HELPERS}
promote()
local id = ARGV[1]
local outcome
local slot = redis.call('HGET', KEYS[1], id)
if slot then
  if slot ~= '' then redis.call('HSET', KEYS[1], id, '') end
  outcome = 'running'
elseif redis.call('ZSCORE', KEYS[2], id) then
  outcome = 'queued'
elseif redis.call('HLEN', KEYS[1]) < tonumber(ARGV[2]) and (ARGV[3] ~= '1' or redis.call('ZCARD', KEYS[2]) == 0) then
  redis.call('HSET', KEYS[1], id, '')
  outcome = 'running'
elseif ARGV[3] == '1' then
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), id)
  redis.call('HSET', KEYS[3], id, ARGV[2] .. ':' .. ARGV[4])
  outcome = 'queued'
else
  outcome = 'refused'
end
local running = redis.call('HLEN', KEYS[1])
if outcome == 'running' then running = running - 1 end
return {outcome, running, pending(id)}
`);

/** ARGV: execution id. Returns `{1 when it held a slot or a place, {id, queuedAt, ...}}`. */
const releaseScript = new LuaScript(`${SLOT_HELPERS}
local released = 0
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
  released = 1
elseif redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then
  redis.call('HDEL', KEYS[3], ARGV[1])
  released = 1
end
promote()
return {released, pending('')}
`);

function promotedOf(flat: readonly string[]): PromotedSlot[] {
  const found: PromotedSlot[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) found.push({ executionId: flat[i] as string, queuedAt: Number(flat[i + 1]) });
  return found.sort((a, b) => a.queuedAt - b.queuedAt || (a.executionId < b.executionId ? -1 : 1));
}

/** Flow `concurrency` slots in Redis: one script per call, atomic across every process on the store. */
export function createConcurrencyLimits(store: RedisStore, keys: Keys): ConcurrencyLimits {
  return {
    async acquire(flow, executionId, request) {
      const reply = await store.run('acquire a concurrency slot', (client) => acquireScript.run(
        client, keys.concurrency(flow), [executionId, request.limit, request.queue ? '1' : '0', Math.floor(request.at)],
      )) as [string, number, string[]];
      return { outcome: reply[0] as 'running' | 'queued' | 'refused', running: Number(reply[1]), promoted: promotedOf(reply[2]) };
    },
    async release(flow, executionId) {
      const reply = await store.run('release a concurrency slot', (client) => releaseScript.run(client, keys.concurrency(flow), [executionId])) as [number, string[]];
      return { released: Number(reply[0]) === 1, promoted: promotedOf(reply[1]) };
    },
    async slots(flow) {
      const [running, line] = keys.concurrency(flow);
      const [held, queued] = await store.run('read concurrency slots', async (client) => Promise.all([client.hkeys(running), client.zrange(line, 0, -1)]));
      return { running: held, queued };
    },
  };
}
