import { randomUUID } from 'node:crypto';
import type { FlowChange, FlowRepository, FlowRevision } from '@sluice/engine';
import type { Guard } from './guard.js';

/** The watch and version half of a flow repository whose one process sees every write. */
export interface FlowChanges {
  /** Counts a revision just stored and tells every watcher about it. */
  tell(revision: Pick<FlowRevision, 'tenantId' | 'namespace' | 'id' | 'revision' | 'deleted'>): void;
  watch: FlowRepository['watch'];
  version: FlowRepository['version'];
}

/**
 * Flow changes told in process, after the write. Per tenant it counts the revisions written
 * since it was made; the epoch, new for every feed, tells one store's (or one open's) version
 * tokens from another's, so a token read before a restart never equals one read after it.
 */
export function createFlowChanges(guard: Guard): FlowChanges {
  const listeners = new Set<(change: FlowChange) => void>();
  const changes = new Map<string, number>();
  const epoch = randomUUID();
  return {
    tell(revision) {
      const key = { tenantId: revision.tenantId, namespace: revision.namespace, id: revision.id };
      changes.set(key.tenantId, (changes.get(key.tenantId) ?? 0) + 1);
      // A failing listener (one webserver's index) must not fail the save nor starve the others.
      for (const listener of listeners) {
        try {
          // A change of its own per listener: none can alter what the next one is told.
          listener({ key: { ...key }, revision: revision.revision, deleted: revision.deleted });
        } catch {
          // Swallowed: the save already happened and is what the caller asked for.
        }
      }
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
