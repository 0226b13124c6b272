import { stringifyJson, type KvAccess, type KvValue } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { KvEntry, KvRepository } from '../ports/ports.js';

/** Kestra's key syntax. */
const KEY = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/;
const NAMESPACE = /^[a-z0-9][a-z0-9._-]{0,149}$/;

/**
 * The largest value, in bytes of its JSON, one entry holds: 1 MiB. The store keeps values inline
 * (a Redis string, a SQLite row), and a value read by `kv()` lands in the execution's rendered
 * props; files belong in internal storage, with their URI in the store.
 */
export const KV_MAX_VALUE_BYTES = 1024 * 1024;

function checked(namespace: string, key: string): void {
  if (!NAMESPACE.test(namespace)) throw engineErrors.KV_INVALID_NAMESPACE(namespace);
  if (!KEY.test(key)) throw engineErrors.KV_INVALID_KEY(key);
}

const valueOf = (entry: KvEntry): KvValue => ({
  value: entry.value,
  ...(entry.type === undefined ? {} : { type: entry.type }),
  ...(entry.description === undefined ? {} : { description: entry.description }),
  updated: entry.updated,
  ...(entry.expiresAt === undefined ? {} : { expiresAt: new Date(entry.expiresAt).toISOString() }),
});

/**
 * A tenant's view of the key-value store, as tasks get it (`ctx.kv`): keys, namespaces, sizes and
 * TTLs are checked here, once for every runtime, and rejected with a coded error.
 */
export function createKvAccess(repository: KvRepository, tenantId: string, now: () => Date = () => new Date()): KvAccess {
  return {
    async get(namespace, key) {
      checked(namespace, key);
      const entry = await repository.get({ tenantId, namespace, key });
      return entry === undefined ? undefined : valueOf(entry);
    },
    async set(namespace, key, value, options = {}) {
      checked(namespace, key);
      if (options.ttlMs !== undefined && !(Number.isFinite(options.ttlMs) && options.ttlMs > 0)) throw engineErrors.KV_INVALID_TTL(options.ttlMs);
      const stored = value === undefined ? null : value;
      const size = Buffer.byteLength(stringifyJson(stored));
      if (size > KV_MAX_VALUE_BYTES) throw engineErrors.KV_VALUE_TOO_LARGE(key, size, KV_MAX_VALUE_BYTES);
      const at = now();
      const entry: KvEntry = {
        value: stored,
        ...(options.type === undefined ? {} : { type: options.type }),
        ...(options.description === undefined ? {} : { description: options.description }),
        updated: at.toISOString(),
        ...(options.ttlMs === undefined ? {} : { expiresAt: at.getTime() + options.ttlMs }),
      };
      return repository.set({ tenantId, namespace, key }, entry, options.overwrite === false ? { overwrite: false } : {});
    },
    async delete(namespace, key) {
      checked(namespace, key);
      return repository.delete({ tenantId, namespace, key });
    },
    async keys(namespace, prefix) {
      if (!NAMESPACE.test(namespace)) throw engineErrors.KV_INVALID_NAMESPACE(namespace);
      return repository.keys(tenantId, namespace, prefix);
    },
  };
}
