import type { FlowChange, FlowKey, FlowRepository, FlowRevision } from '@sluice/engine';
import { copy, type Guard } from './guard.js';

const keyOf = (key: FlowKey): string => JSON.stringify([key.tenantId, key.namespace, key.id]);

/** `namespace` itself or one of its children (`company` holds `company.team`, not `companyx`). */
export function inNamespace(namespace: string, prefix: string | undefined): boolean {
  return prefix === undefined || prefix === '' || namespace === prefix || namespace.startsWith(`${prefix}.`);
}

/** Flows with every revision kept, in process. */
export function createFlowStore(guard: Guard, now: () => Date): FlowRepository {
  const flows = new Map<string, FlowRevision[]>();
  const listeners = new Set<(change: FlowChange) => void>();

  const latest = (key: FlowKey): FlowRevision | undefined => flows.get(keyOf(key))?.at(-1);

  const append = (revision: FlowRevision): void => {
    const key = { tenantId: revision.tenantId, namespace: revision.namespace, id: revision.id };
    const list = flows.get(keyOf(key)) ?? [];
    list.push(revision);
    flows.set(keyOf(key), list);
    const change: FlowChange = { key, revision: revision.revision, deleted: revision.deleted };
    // A failing listener (one webserver's index) must not fail the save nor starve the others.
    for (const listener of listeners) {
      try {
        listener(copy(change));
      } catch {
        // Swallowed: the save already happened and is what the caller asked for.
      }
    }
  };

  return {
    async save(flow) {
      guard.check();
      const previous = latest({ tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id });
      // Re-saving the same source (a flows folder re-read at start) must not grow the history.
      if (previous && !previous.deleted && previous.source === flow.source) return copy(previous);
      const revision: FlowRevision = {
        ...copy(flow),
        revision: (previous?.revision ?? 0) + 1,
        updated: now().toISOString(),
        deleted: false,
      };
      append(revision);
      return copy(revision);
    },

    async get(key) {
      guard.check();
      const found = latest(key);
      return found && !found.deleted ? copy(found) : undefined;
    },

    async getRevision(key, revision) {
      guard.check();
      const found = flows.get(keyOf(key))?.find((r) => r.revision === revision);
      return found && copy(found);
    },

    async revisions(key) {
      guard.check();
      return copy(flows.get(keyOf(key)) ?? []);
    },

    async delete(key) {
      guard.check();
      const found = latest(key);
      if (!found || found.deleted) return false;
      append({ ...copy(found), revision: found.revision + 1, updated: now().toISOString(), deleted: true });
      return true;
    },

    async list(tenantId, namespace) {
      guard.check();
      const live: FlowRevision[] = [];
      for (const revisions of flows.values()) {
        const last = revisions.at(-1);
        if (last && !last.deleted && last.tenantId === tenantId && inNamespace(last.namespace, namespace)) live.push(copy(last));
      }
      return live.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.id.localeCompare(b.id));
    },

    async watch(listener) {
      guard.check();
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
      };
    },
  };
}
