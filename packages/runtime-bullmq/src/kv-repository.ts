import { parseJson, stringifyJson } from '@sluice/core';
import type { KvEntry, KvRepository } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import { kvKeysScript, setKvScript } from './scripts.js';

const enc = encodeURIComponent;
// SCAN's MATCH is a glob: a prefix holding one of these is matched literally.
const globLiteral = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

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
  const liveKeys = async (tenantId: string, namespace: string, prefix = ''): Promise<string[]> => {
    const entryPrefix = keys.kv(tenantId, namespace, '');
    const found = await store.run('list key-value keys', (client) => kvKeysScript.run(client, [keys.kvIndex(tenantId, namespace)], [entryPrefix, enc(prefix)])) as string[];
    return found.map((member) => decodeURIComponent(member)).sort();
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
    keys: liveKeys,
    async namespaces(tenantId) {
      // Every namespace with entries has its index set, `<prefix>:kv:{<tenant>:<namespace>}`: an
      // entry key never ends with the brace (its key part is URI-encoded), so the glob finds the
      // sets only. A set whose entries all expired is dropped by the keys() that checks it.
      const head = keys.kvIndex(tenantId, '');
      const start = head.slice(0, -1);
      const indexes = new Set<string>();
      await store.run('list key-value namespaces', async (client) => {
        for await (const batch of client.scanStream({ match: `${globLiteral(start)}*}`, count: 500 })) {
          for (const key of batch as string[]) indexes.add(key);
        }
      });
      const found: string[] = [];
      for (const index of indexes) {
        const namespace = decodeURIComponent(index.slice(start.length, -1));
        if ((await liveKeys(tenantId, namespace)).length > 0) found.push(namespace);
      }
      return found.sort();
    },
  };
}
