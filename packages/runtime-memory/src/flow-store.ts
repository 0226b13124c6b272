import { randomUUID } from 'node:crypto';
import { byNamespaceAndId, engineErrors, type FlowChange, type FlowKey, type FlowRepository, type FlowRevision } from '@sluice/engine';
import { copy, snapshot, type Guard } from './guard.js';

const keyOf = (key: FlowKey): string => JSON.stringify([key.tenantId, key.namespace, key.id]);

/** `namespace` itself or one of its children (`company` holds `company.team`, not `companyx`). */
export function inNamespace(namespace: string, prefix: string | undefined): boolean {
  return prefix === undefined || prefix === '' || namespace === prefix || namespace.startsWith(`${prefix}.`);
}

/**
 * Flows with every revision kept, in process, each as a frozen {@link snapshot}: reads hand
 * them out as they are (a revision never changes), `save` hands back a copy of its own.
 */
export function createFlowStore(guard: Guard, now: () => Date): FlowRepository {
  const flows = new Map<string, FlowRevision[]>();
  const listeners = new Set<(change: FlowChange) => void>();
  // Per tenant: revisions written. The epoch tells this store's tokens from another store's.
  const changes = new Map<string, number>();
  const epoch = randomUUID();

  const latest = (key: FlowKey): FlowRevision | undefined => flows.get(keyOf(key))?.at(-1);

  const append = (written: FlowRevision): void => {
    const revision = snapshot(written);
    const key = { tenantId: revision.tenantId, namespace: revision.namespace, id: revision.id };
    const list = flows.get(keyOf(key)) ?? [];
    list.push(revision);
    flows.set(keyOf(key), list);
    changes.set(key.tenantId, (changes.get(key.tenantId) ?? 0) + 1);
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
    async save(flow, options = {}) {
      guard.check();
      const previous = latest({ tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id });
      const current = previous?.revision ?? 0;
      if (options.expectedRevision !== undefined && options.expectedRevision !== current) {
        throw engineErrors.RUNTIME_FLOW_REVISION_CONFLICT(`${flow.namespace}.${flow.id}`, options.expectedRevision, current, { details: { expected: options.expectedRevision, current } });
      }
      // Re-saving the same source (a flows folder re-read at start) must not grow the history.
      if (previous && !previous.deleted && previous.source === flow.source) return copy(previous);
      const revision: FlowRevision = {
        ...copy(flow),
        revision: (previous?.revision ?? 0) + 1,
        updated: now().toISOString(),
        deleted: false,
      };
      append(revision);
      // The store keeps a snapshot of its own; this object is the caller's.
      return revision;
    },

    async get(key) {
      guard.check();
      const found = latest(key);
      return found && !found.deleted ? found : undefined;
    },

    async getRevision(key, revision) {
      guard.check();
      return flows.get(keyOf(key))?.find((r) => r.revision === revision);
    },

    async revisions(key) {
      guard.check();
      return [...(flows.get(keyOf(key)) ?? [])];
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
        if (last && !last.deleted && last.tenantId === tenantId && inNamespace(last.namespace, namespace)) live.push(last);
      }
      return live.sort(byNamespaceAndId);
    },

    async watch(listener) {
      guard.check();
      listeners.add(listener);
      return async () => {
        listeners.delete(listener);
      };
    },

    async version(tenantId) {
      guard.check();
      return `${epoch}:${changes.get(tenantId) ?? 0}`;
    },
  };
}
