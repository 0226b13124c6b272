import type { Database } from 'better-sqlite3';
import { applyTriggerUpdate, applyWindowEntry, emptyTriggerState, inTriggerNamespace, leaseFree, withDisabled, withStarts, withLease, withoutLease, type StoredTriggerWindow, type TriggerKey, type TriggerState, type TriggerStateRepository } from '@sluice/engine';
import type { Guard } from '@sluice/runtime-memory/in-process';
import type { GroupCommit } from './group-commit.js';
import { reading } from './guard.js';

/** A stored state; rows written before `rejected` existed count none. */
const parseState = (json: string): TriggerState => ({ rejected: 0, ...(JSON.parse(json) as Omit<TriggerState, 'rejected'>) });

/**
 * Trigger state and leases, one row per trigger holding its state as JSON. Every change reads
 * and writes the row inside one write transaction, so the lease check and the write are one
 * step: the file has one writer (this process), and a lease orders this process's runners.
 */
export function createTriggerStateRepository(db: Database, writes: GroupCommit, guard: Guard, now: () => number = Date.now): TriggerStateRepository {
  const getStmt = db.prepare('SELECT json FROM trigger_states WHERE tenant_id = ? AND namespace = ? AND flow_id = ? AND trigger_id = ?').pluck();
  const putStmt = db.prepare('INSERT INTO trigger_states (tenant_id, namespace, flow_id, trigger_id, json) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET json = excluded.json');
  const deleteStmt = db.prepare('DELETE FROM trigger_states WHERE tenant_id = ? AND namespace = ? AND flow_id = ? AND trigger_id = ?');
  const getWindowStmt = db.prepare('SELECT json FROM trigger_windows WHERE tenant_id = ? AND namespace = ? AND flow_id = ? AND trigger_id = ?').pluck();
  const putWindowStmt = db.prepare('INSERT INTO trigger_windows (tenant_id, namespace, flow_id, trigger_id, json) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET json = excluded.json');
  const deleteWindowStmt = db.prepare('DELETE FROM trigger_windows WHERE tenant_id = ? AND namespace = ? AND flow_id = ? AND trigger_id = ?');
  const listStmt = db.prepare('SELECT json FROM trigger_states WHERE tenant_id = ? ORDER BY namespace, flow_id, trigger_id').pluck();

  const parts = (key: TriggerKey): [string, string, string, string] => [key.tenantId, key.namespace, key.flowId, key.triggerId];
  const read = (key: TriggerKey): TriggerState | undefined => {
    const json = getStmt.get(...parts(key)) as string | undefined;
    return json === undefined ? undefined : parseState(json);
  };
  const put = (state: TriggerState): void => {
    putStmt.run(...parts(state.key), JSON.stringify(state));
  };

  return {
    async acquire(key, holder, ttlMs) {
      guard.check();
      return writes.write(() => {
        const at = now();
        const state = read(key);
        if (!leaseFree(state, holder, at)) return undefined;
        const next = withLease(state ?? emptyTriggerState(key, at), holder, ttlMs, at);
        put(next);
        return next;
      });
    },
    async release(key, holder) {
      guard.check();
      return writes.write(() => {
        const state = read(key);
        if (state?.holder !== holder) return false;
        put(withoutLease(state, now()));
        return true;
      });
    },
    async update(key, holder, update) {
      guard.check();
      return writes.write(() => {
        const state = read(key);
        if (state?.holder !== holder) return false;
        put(applyTriggerUpdate(state, update, now()));
        return true;
      });
    },
    async setDisabled(key, disabled, by) {
      guard.check();
      return writes.write(() => {
        const at = now();
        const next = withDisabled(read(key) ?? emptyTriggerState(key, at), disabled, by, at);
        put(next);
        return next;
      });
    },
    async noteStarts(key, note) {
      guard.check();
      await writes.write(() => {
        const at = now();
        put(withStarts(read(key) ?? emptyTriggerState(key, at), note, at));
      });
    },
    async get(key) {
      return reading(guard, 'read a trigger state', () => read(key));
    },
    async list(tenantId, filter = {}) {
      const rows = reading(guard, 'list trigger states', () => listStmt.all(tenantId) as string[]);
      return rows
        .map(parseState)
        .filter((s) => inTriggerNamespace(s.key.namespace, filter.namespace) && (filter.flowId === undefined || s.key.flowId === filter.flowId));
    },
    async delete(key) {
      guard.check();
      return writes.write(() => {
        deleteWindowStmt.run(...parts(key));
        return deleteStmt.run(...parts(key)).changes > 0;
      });
    },
    async recordWindow(key, executionId, entry) {
      guard.check();
      return writes.write(() => {
        const json = getWindowStmt.get(...parts(key)) as string | undefined;
        const outcome = applyWindowEntry(json === undefined ? undefined : (JSON.parse(json) as StoredTriggerWindow), executionId, entry);
        if (outcome.changed) putWindowStmt.run(...parts(key), JSON.stringify(outcome.window));
        return { fired: outcome.fired };
      });
    },
  };
}
