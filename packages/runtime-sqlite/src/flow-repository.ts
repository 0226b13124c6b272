import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { byNamespaceAndId, engineErrors, type FlowChange, type FlowKey, type FlowRepository, type FlowRevision } from '@sluice/engine';
import type { GroupCommit } from './group-commit.js';
import { reading, type Guard } from './guard.js';

/** `namespace` itself or one of its children (`company` holds `company.team`, not `companyx`). */
export function inNamespace(namespace: string, prefix: string | undefined): boolean {
  return prefix === undefined || prefix === '' || namespace === prefix || namespace.startsWith(`${prefix}.`);
}

/**
 * Flows with every revision kept, one row per revision holding the revision's JSON. One process
 * owns the file (its exclusive lock), so watchers are told in process, after the commit.
 */
export function createFlowRepository(db: Database, writes: GroupCommit, guard: Guard, now: () => Date): FlowRepository {
  const listeners = new Set<(change: FlowChange) => void>();
  // Per tenant: revisions written since open. The epoch changes at every open, so a token read
  // before a restart never equals one read after it (a reload then happens once, to be safe).
  const changes = new Map<string, number>();
  const epoch = randomUUID();
  const latestStmt = db.prepare('SELECT json FROM flows WHERE tenant_id = ? AND namespace = ? AND id = ? ORDER BY revision DESC LIMIT 1').pluck();
  const revisionStmt = db.prepare('SELECT json FROM flows WHERE tenant_id = ? AND namespace = ? AND id = ? AND revision = ?').pluck();
  const revisionsStmt = db.prepare('SELECT json FROM flows WHERE tenant_id = ? AND namespace = ? AND id = ? ORDER BY revision').pluck();
  const insertStmt = db.prepare('INSERT INTO flows (tenant_id, namespace, id, revision, deleted, json) VALUES (?, ?, ?, ?, ?, ?)');
  const listStmt = db.prepare(`
    SELECT f.json FROM flows f
    WHERE f.tenant_id = ? AND f.deleted = 0
      AND f.revision = (SELECT max(revision) FROM flows l WHERE l.tenant_id = f.tenant_id AND l.namespace = f.namespace AND l.id = f.id)
  `).pluck();

  const latest = (key: FlowKey): FlowRevision | undefined => {
    const json = latestStmt.get(key.tenantId, key.namespace, key.id) as string | undefined;
    return json === undefined ? undefined : (JSON.parse(json) as FlowRevision);
  };

  const tell = (revision: FlowRevision): void => {
    const key = { tenantId: revision.tenantId, namespace: revision.namespace, id: revision.id };
    changes.set(key.tenantId, (changes.get(key.tenantId) ?? 0) + 1);
    for (const listener of listeners) {
      try {
        listener({ key: { ...key }, revision: revision.revision, deleted: revision.deleted });
      } catch {
        // Swallowed: the save already happened and is what the caller asked for.
      }
    }
  };

  /**
   * Builds the next revision from the latest one and writes it, both in one transaction, so two
   * saves of one flow never take one number. `build` answers what to write (nothing, to keep
   * the latest) and what to return.
   */
  const append = async <T>(key: FlowKey, build: (previous: FlowRevision | undefined) => { readonly write?: FlowRevision; readonly result: T }): Promise<T> => {
    guard.check();
    const { write, result } = await writes.write(() => {
      const built = build(latest(key));
      if (built.write) insertStmt.run(key.tenantId, key.namespace, key.id, built.write.revision, built.write.deleted ? 1 : 0, JSON.stringify(built.write));
      return built;
    });
    if (write) tell(write);
    return result;
  };

  return {
    async save(flow, options = {}) {
      const key = { tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id };
      return append(key, (previous) => {
        // Inside the write transaction, so no other save can come between the check and the write.
        const current = previous?.revision ?? 0;
        if (options.expectedRevision !== undefined && options.expectedRevision !== current) {
          throw engineErrors.RUNTIME_FLOW_REVISION_CONFLICT(`${flow.namespace}.${flow.id}`, options.expectedRevision, current, { details: { expected: options.expectedRevision, current } });
        }
        // Re-saving the same source (a flows folder re-read at start) must not grow the history.
        if (previous && !previous.deleted && previous.source === flow.source) return { result: previous };
        const revision: FlowRevision = { ...structuredClone(flow), revision: (previous?.revision ?? 0) + 1, updated: now().toISOString(), deleted: false };
        return { write: revision, result: revision };
      });
    },

    async get(key) {
      const found = reading(guard, 'read a flow', () => latest(key));
      return found && !found.deleted ? found : undefined;
    },

    async getRevision(key, revision) {
      const json = reading(guard, 'read a flow revision', () => revisionStmt.get(key.tenantId, key.namespace, key.id, revision)) as string | undefined;
      return json === undefined ? undefined : (JSON.parse(json) as FlowRevision);
    },

    async revisions(key) {
      const rows = reading(guard, 'read flow revisions', () => revisionsStmt.all(key.tenantId, key.namespace, key.id)) as string[];
      return rows.map((json) => JSON.parse(json) as FlowRevision);
    },

    async delete(key) {
      return append(key, (previous) => {
        if (!previous || previous.deleted) return { result: false };
        return { write: { ...previous, revision: previous.revision + 1, updated: now().toISOString(), deleted: true }, result: true };
      });
    },

    async list(tenantId, namespace) {
      const rows = reading(guard, 'list flows', () => listStmt.all(tenantId)) as string[];
      return rows
        .map((json) => JSON.parse(json) as FlowRevision)
        .filter((flow) => inNamespace(flow.namespace, namespace))
        .sort(byNamespaceAndId);
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
