import type { Database } from 'better-sqlite3';
import { parseJson, stringifyJson } from '@sluice/core';
import type { KvEntry, KvRepository } from '@sluice/engine';
import type { Guard } from '@sluice/runtime-memory/in-process';
import type { GroupCommit } from './group-commit.js';
import { reading } from './guard.js';

/** The repository, plus the sweep the retention runs. */
export interface SqliteKvRepository extends KvRepository {
  /** Deletes the entries past their expiry, in the current transaction. */
  sweep(now: number): void;
}

// LIKE's own wildcards in a key prefix are matched literally.
const likePrefix = (prefix: string): string => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The key-value store, one row per entry: the entry's JSON (lossless, as executions) and its
 * expiry. Every read checks the expiry, so an expired entry is never returned; the retention's
 * sweep deletes the expired rows.
 */
export function createKvRepository(db: Database, writes: GroupCommit, guard: Guard, now: () => number = Date.now): SqliteKvRepository {
  const live = 'tenant_id = ? AND namespace = ? AND (expires_at IS NULL OR expires_at > ?)';
  const getStmt = db.prepare(`SELECT json FROM kv WHERE ${live} AND key = ?`).pluck();
  const upsertStmt = db.prepare('INSERT INTO kv (tenant_id, namespace, key, json, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tenant_id, namespace, key) DO UPDATE SET json = excluded.json, expires_at = excluded.expires_at');
  const deleteStmt = db.prepare('DELETE FROM kv WHERE tenant_id = ? AND namespace = ? AND key = ?');
  const keysStmt = db.prepare(`SELECT key FROM kv WHERE ${live} AND key LIKE ? ESCAPE '\\' ORDER BY key`).pluck();
  const namespacesStmt = db.prepare('SELECT DISTINCT namespace FROM kv WHERE tenant_id = ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY namespace').pluck();
  const sweepStmt = db.prepare('DELETE FROM kv WHERE expires_at <= ?');

  const readLive = (tenantId: string, namespace: string, key: string, at: number): KvEntry | undefined => {
    const json = getStmt.get(tenantId, namespace, at, key) as string | undefined;
    return json === undefined ? undefined : (parseJson(json) as KvEntry);
  };

  return {
    async get({ tenantId, namespace, key }) {
      return reading(guard, 'read a key-value entry', () => readLive(tenantId, namespace, key, now()));
    },
    async set({ tenantId, namespace, key }, entry, options) {
      guard.check();
      const json = stringifyJson(entry);
      // Checked and written in one transaction: two writers without overwrite cannot both win.
      return writes.write(() => {
        if (options?.overwrite === false && readLive(tenantId, namespace, key, now())) return false;
        upsertStmt.run(tenantId, namespace, key, json, entry.expiresAt ?? null);
        return true;
      });
    },
    async delete({ tenantId, namespace, key }) {
      guard.check();
      return writes.write(() => {
        const existed = readLive(tenantId, namespace, key, now()) !== undefined;
        deleteStmt.run(tenantId, namespace, key);
        return existed;
      });
    },
    async keys(tenantId, namespace, prefix = '') {
      return reading(guard, 'list key-value keys', () => keysStmt.all(tenantId, namespace, now(), likePrefix(prefix)) as string[]);
    },
    async namespaces(tenantId) {
      return reading(guard, 'list key-value namespaces', () => namespacesStmt.all(tenantId, now()) as string[]);
    },
    sweep(at) {
      sweepStmt.run(at);
    },
  };
}
