import type { KvEntry, KvKey, KvRepository } from '@sluice/engine';
import type { Guard } from './guard.js';

const idOf = (key: KvKey): string => JSON.stringify([key.tenantId, key.namespace, key.key]);
const live = (entry: KvEntry | undefined, at: number): entry is KvEntry => entry !== undefined && (entry.expiresAt === undefined || at < entry.expiresAt);

/**
 * The key-value store in process. Expired entries are dropped when met; a namespace's keys are
 * listed by a scan, which is what an in-memory store of test and trial sizes can afford.
 */
export function createKvStore(guard: Guard, now: () => number = Date.now): KvRepository {
  const entries = new Map<string, { key: KvKey; entry: KvEntry }>();
  const read = (key: KvKey): KvEntry | undefined => {
    const id = idOf(key);
    const found = entries.get(id)?.entry;
    if (live(found, now())) return found;
    entries.delete(id);
    return undefined;
  };
  return {
    async get(key) {
      guard.check();
      return structuredClone(read(key));
    },
    async set(key, entry, options) {
      guard.check();
      if (options?.overwrite === false && read(key)) return false;
      entries.set(idOf(key), { key: { ...key }, entry: structuredClone(entry) });
      return true;
    },
    async delete(key) {
      guard.check();
      const existed = read(key) !== undefined;
      entries.delete(idOf(key));
      return existed;
    },
    async keys(tenantId, namespace, prefix = '') {
      guard.check();
      const at = now();
      const found: string[] = [];
      for (const [id, { key, entry }] of entries) {
        if (!live(entry, at)) entries.delete(id);
        else if (key.tenantId === tenantId && key.namespace === namespace && key.key.startsWith(prefix)) found.push(key.key);
      }
      return found.sort();
    },
    async namespaces(tenantId) {
      guard.check();
      const at = now();
      const found = new Set<string>();
      for (const { key, entry } of entries.values()) if (key.tenantId === tenantId && live(entry, at)) found.add(key.namespace);
      return [...found].sort();
    },
  };
}
