import { applyTriggerUpdate, applyWindowEntry, emptyTriggerState, inTriggerNamespace, leaseFree, withDisabled, withStarts, triggerKeyString, withLease, withoutLease, type StoredTriggerWindow, type TriggerState, type TriggerStateRepository } from '@sluice/engine';
import type { Guard } from './guard.js';

/** Trigger state and leases in process: one process, so a lease only orders its own runners. */
export function createTriggerStateStore(guard: Guard, now: () => number = Date.now): TriggerStateRepository {
  const states = new Map<string, TriggerState>();
  const windows = new Map<string, StoredTriggerWindow>();
  const copy = (state: TriggerState | undefined): TriggerState | undefined => (state ? structuredClone(state) : undefined);
  return {
    async acquire(key, holder, ttlMs) {
      guard.check();
      const at = now();
      const k = triggerKeyString(key);
      const state = states.get(k);
      if (!leaseFree(state, holder, at)) return undefined;
      const next = withLease(state ?? emptyTriggerState(key, at), holder, ttlMs, at);
      states.set(k, next);
      return copy(next);
    },
    async release(key, holder) {
      guard.check();
      const k = triggerKeyString(key);
      const state = states.get(k);
      if (state?.holder !== holder) return false;
      states.set(k, withoutLease(state, now()));
      return true;
    },
    async update(key, holder, update) {
      guard.check();
      const k = triggerKeyString(key);
      const state = states.get(k);
      if (state?.holder !== holder) return false;
      states.set(k, applyTriggerUpdate(state, structuredClone(update), now()));
      return true;
    },
    async setDisabled(key, disabled, by) {
      guard.check();
      const at = now();
      const k = triggerKeyString(key);
      const next = withDisabled(states.get(k) ?? emptyTriggerState(key, at), disabled, by, at);
      states.set(k, next);
      return structuredClone(next);
    },
    async noteStarts(key, note) {
      guard.check();
      const at = now();
      const k = triggerKeyString(key);
      states.set(k, withStarts(states.get(k) ?? emptyTriggerState(key, at), note, at));
    },
    async get(key) {
      guard.check();
      return copy(states.get(triggerKeyString(key)));
    },
    async list(tenantId, filter = {}) {
      guard.check();
      return [...states.entries()]
        .filter(([, s]) => s.key.tenantId === tenantId && inTriggerNamespace(s.key.namespace, filter.namespace) && (filter.flowId === undefined || s.key.flowId === filter.flowId))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, s]) => structuredClone(s));
    },
    async delete(key) {
      guard.check();
      windows.delete(triggerKeyString(key));
      return states.delete(triggerKeyString(key));
    },
    async recordWindow(key, executionId, entry) {
      guard.check();
      const k = triggerKeyString(key);
      const outcome = applyWindowEntry(windows.get(k), executionId, structuredClone(entry));
      if (outcome.changed) windows.set(k, outcome.window);
      return { fired: outcome.fired };
    },
  };
}
