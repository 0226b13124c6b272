import type { Database } from 'better-sqlite3';
import { byNamespaceAndId, engineErrors, RevisionCache, type FlowKey, type FlowRepository, type FlowRevision } from '@sluice/engine';
import { createFlowChanges, inNamespace, type Guard } from '@sluice/runtime-memory/in-process';
import type { GroupCommit } from './group-commit.js';
import { reading } from './guard.js';

/**
 * Flows with every revision kept, one row per revision holding the revision's JSON. One process
 * owns the file (its exclusive lock), so watchers are told in process, after the commit.
 */
export function createFlowRepository(db: Database, writes: GroupCommit, guard: Guard, now: () => Date): FlowRepository {
  // Made at every open, so a version token read before a restart never equals one read after
  // it (a reload then happens once, to be safe).
  const changes = createFlowChanges(guard);
  // Rows are never updated nor deleted (a save or a deletion adds a revision), so a revision read
  // once is that revision for good: a worker parses its flow once, not at every execution, and
  // what the executor keeps per task of a revision (its task index, its reads ahead) is kept.
  const cache = new RevisionCache();
  const hashOf = (key: FlowKey): string => `${key.tenantId}\u0000${key.namespace}\u0000${key.id}`;
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
    if (write) changes.tell(write);
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
      const hash = hashOf(key);
      const cached = cache.get(hash, revision);
      if (cached) {
        guard.check();
        return cached;
      }
      const json = reading(guard, 'read a flow revision', () => revisionStmt.get(key.tenantId, key.namespace, key.id, revision)) as string | undefined;
      return json === undefined ? undefined : cache.set(hash, JSON.parse(json) as FlowRevision);
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

    watch: changes.watch,
    version: changes.version,
  };
}
