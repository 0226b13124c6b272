import { parseJson, stringifyJson } from '@sluice/core';
import type { KvEntry, KvRepository } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import { kvKeysScript, setKvScript } from './scripts.js';

const enc = encodeURIComponent;

/**
 * The key-value store in Redis: one string per entry holding its JSON (lossless, as executions),
 * expiring with the entry through Redis's own PXAT, and one set per namespace indexing its keys
 * (URI-encoded, as in the entry keys). Reads also check the expiry, so an entry is never
 * returned past it whatever Redis's expiry cycle has done yet.
 */
export function createKvRepository(store: RedisStore, keys: Keys): KvRepository {
  const live = (entry: KvEntry): boolean => entry.expiresAt === undefined || Date.now() < entry.expiresAt;
  const read = async (tenantId: string, namespace: string, key: string): Promise<KvEntry | undefined> => {
    const text = await store.run('read a key-value entry', (client) => client.get(keys.kv(tenantId, namespace, key)));
    if (text === null) return undefined;
    const entry = parseJson(text) as KvEntry;
    return live(entry) ? entry : undefined;
  };
  return {
    get: ({ tenantId, namespace, key }) => read(tenantId, namespace, key),
    async set({ tenantId, namespace, key }, entry, options) {
      const stored = await store.run('store a key-value entry', (client) => setKvScript.run(
        client,
        [keys.kv(tenantId, namespace, key), keys.kvIndex(tenantId, namespace)],
        [stringifyJson(entry), entry.expiresAt === undefined ? '' : Math.floor(entry.expiresAt), options?.overwrite === false ? '0' : '1', enc(key)],
      ));
      return stored === 1;
    },
    async delete({ tenantId, namespace, key }) {
      const existed = (await read(tenantId, namespace, key)) !== undefined;
      await store.run('delete a key-value entry', (client) => client.multi()
        .del(keys.kv(tenantId, namespace, key))
        .srem(keys.kvIndex(tenantId, namespace), enc(key))
        .exec());
      return existed;
    },
    async keys(tenantId, namespace, prefix = '') {
      const entryPrefix = keys.kv(tenantId, namespace, '');
      const found = await store.run('list key-value keys', (client) => kvKeysScript.run(client, [keys.kvIndex(tenantId, namespace)], [entryPrefix, enc(prefix)])) as string[];
      return found.map((member) => decodeURIComponent(member)).sort();
    },
  };
}
