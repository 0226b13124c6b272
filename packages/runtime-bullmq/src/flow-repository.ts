import { randomUUID } from 'node:crypto';
import type { FlowChange, FlowKey, FlowRepository, FlowRevision, FlowSaveOptions } from '@sluice/engine';
import { byNamespaceAndId, engineErrors, RevisionCache } from '@sluice/engine';
import { pipelined, type RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import type { SharedSubscriber } from './pubsub.js';
import { deleteFlowScript, flowHeadsScript, saveFlowScript } from './scripts.js';

/** What a revision field holds: the revision without its number (the field name carries it). */
type StoredRevision = Omit<FlowRevision, 'revision'>;

/** A deletion can lose a compare-and-set to a concurrent save; it retries this many times. */
const DELETE_ATTEMPTS = 5;

function parseRevision(json: string, revision: number): FlowRevision {
  return { ...(JSON.parse(json) as StoredRevision), revision };
}

function keyJson(key: FlowKey): string {
  return JSON.stringify({ tenantId: key.tenantId, namespace: key.namespace, id: key.id });
}

/** True when `namespace` is `prefix` or inside it (`company` holds `company.team`, not `companyx`). */
export function inNamespace(namespace: string, prefix: string): boolean {
  return namespace === prefix || namespace.startsWith(`${prefix}.`);
}

/**
 * Flows in Redis: one hash per flow holding every revision, and a set per tenant of the live
 * flows for `list`. Revisions read are kept parsed in a {@link RevisionCache} (they never
 * change), and what the reads return is frozen. Saves and deletions run as Lua scripts that also PUBLISH the change, so the
 * write and its notification cannot be separated by a crash.
 */
export class RedisFlowRepository implements FlowRepository {
  private readonly listeners = new Set<(change: FlowChange) => void>();
  private readonly cache = new RevisionCache();

  constructor(
    private readonly store: RedisStore,
    private readonly keys: Keys,
    private readonly subscriber: SharedSubscriber,
    private readonly onError: (error: unknown, context: string) => void,
  ) {}

  async save(flow: Omit<FlowRevision, 'revision' | 'updated' | 'deleted'>, options: FlowSaveOptions = {}): Promise<FlowRevision> {
    // The input may be a whole FlowRevision at runtime; its number, date and flag are ours to set.
    const { revision: _revision, updated: _updated, deleted: _deleted, ...fields } = flow as FlowRevision;
    const body: StoredRevision = { ...fields, updated: new Date().toISOString(), deleted: false };
    const key: FlowKey = { tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id };
    const result = await this.store.run('save flow', (client) =>
      saveFlowScript.run(
        client,
        [this.keys.flow(key), this.keys.flowIndex(key.tenantId), this.keys.flowVersion(key.tenantId)],
        [
          JSON.stringify(body), flow.source, this.keys.flowMember(key.namespace, key.id), this.keys.flowChannel, keyJson(key), randomUUID(),
          options.expectedRevision === undefined ? '' : String(options.expectedRevision),
        ],
      ),
    );
    const [revision, json] = result as [number, string, number];
    if (revision === -1 && options.expectedRevision !== undefined) {
      const current = Number(json);
      throw engineErrors.RUNTIME_FLOW_REVISION_CONFLICT(`${flow.namespace}.${flow.id}`, options.expectedRevision, current, { details: { expected: options.expectedRevision, current } });
    }
    return parseRevision(json, revision);
  }

  async version(tenantId: string): Promise<string> {
    return this.store.run('read flow version', async (client) => {
      const [epoch, n] = await client.hmget(this.keys.flowVersion(tenantId), 'epoch', 'n');
      // Absent (no flow written yet, or the store lost its data): a token no write gives.
      return `${epoch ?? ''}:${n ?? '0'}`;
    });
  }

  async get(key: FlowKey): Promise<FlowRevision | undefined> {
    return this.store.run('get flow', async (client) => {
      const hash = this.keys.flow(key);
      const [latest, deleted] = await client.hmget(hash, 'latest', 'deleted');
      if (!latest || deleted === '1') return undefined;
      return this.revision(hash, Number(latest));
    });
  }

  /** One revision from the cache, else read and cached. */
  private async revision(hash: string, revision: number): Promise<FlowRevision | undefined> {
    const cached = this.cache.get(hash, revision);
    if (cached) return cached;
    const json = await this.store.client.hget(hash, `r:${revision}`);
    return json === null ? undefined : this.cache.set(hash, parseRevision(json, revision));
  }

  async getRevision(key: FlowKey, revision: number): Promise<FlowRevision | undefined> {
    if (!Number.isInteger(revision) || revision < 1) return undefined;
    const hash = this.keys.flow(key);
    // A stored revision never changes: one read before is answered at once, without a turn
    // through the connection's readiness (a worker asks twice per execution: to run it, and
    // after its end).
    return this.cache.get(hash, revision) ?? this.store.run('get flow revision', () => this.revision(hash, revision));
  }

  async revisions(key: FlowKey): Promise<readonly FlowRevision[]> {
    return this.store.run('list flow revisions', async (client) => {
      const fields = await client.hgetall(this.keys.flow(key));
      const revisions: FlowRevision[] = [];
      for (const [field, json] of Object.entries(fields)) {
        if (field.startsWith('r:')) revisions.push(parseRevision(json, Number(field.slice(2))));
      }
      return revisions.sort((a, b) => a.revision - b.revision);
    });
  }

  async delete(key: FlowKey): Promise<boolean> {
    return this.store.run('delete flow', async (client) => {
      const hash = this.keys.flow(key);
      for (let attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
        const [latest, deleted] = await client.hmget(hash, 'latest', 'deleted');
        if (!latest || deleted === '1') return false;
        const json = await client.hget(hash, `r:${latest}`);
        if (json === null) return false;
        // Kestra keeps the source on the deletion revision, so the history shows what was deleted.
        const deletion: StoredRevision = { ...(JSON.parse(json) as StoredRevision), updated: new Date().toISOString(), deleted: true };
        const outcome = Number(
          await deleteFlowScript.run(
            client,
            [hash, this.keys.flowIndex(key.tenantId), this.keys.flowVersion(key.tenantId)],
            [latest, JSON.stringify(deletion), this.keys.flowMember(key.namespace, key.id), this.keys.flowChannel, keyJson(key), randomUUID()],
          ),
        );
        if (outcome >= 0) return outcome > 0;
      }
      throw engineErrors.RUNTIME_UNAVAILABLE(`delete flow: revision kept changing during ${DELETE_ATTEMPTS} attempts`, { retryable: true });
    });
  }

  async list(tenantId: string, namespace?: string): Promise<readonly FlowRevision[]> {
    return this.store.run('list flows', async (client) => {
      const members = await client.smembers(this.keys.flowIndex(tenantId));
      const wanted = members
        .map((member) => JSON.parse(member) as [string, string])
        .filter(([ns]) => namespace === undefined || inNamespace(ns, namespace))
        .map(([ns, id]) => this.keys.flow({ tenantId, namespace: ns, id }));
      if (wanted.length === 0) return [];
      // At most two round trips whatever the number of flows: the latest numbers (one script),
      // then the revisions not cached yet (none, on a periodic reload where nothing changed).
      const heads = (await flowHeadsScript.run(client, wanted, [])) as (string | null)[];
      const live: { hash: string; revision: number }[] = [];
      wanted.forEach((hash, i) => {
        const latest = heads[2 * i];
        if (latest && heads[2 * i + 1] !== '1') live.push({ hash, revision: Number(latest) });
      });
      if (live.length === 0) return [];
      this.cache.fit(live.length);
      const flows: FlowRevision[] = [];
      const missing: { hash: string; revision: number }[] = [];
      for (const entry of live) {
        const cached = this.cache.get(entry.hash, entry.revision);
        if (cached) flows.push(cached);
        else missing.push(entry);
      }
      if (missing.length > 0) {
        const bodies = await pipelined(client.pipeline(missing.map(({ hash, revision }) => ['hget', hash, `r:${revision}`])).exec());
        bodies.forEach((json, i) => {
          const entry = missing[i];
          if (typeof json === 'string' && entry) flows.push(this.cache.set(entry.hash, parseRevision(json, entry.revision)));
        });
      }
      return flows.sort(byNamespaceAndId);
    });
  }

  async watch(listener: (change: FlowChange) => void): Promise<() => Promise<void>> {
    // Each watch gets its own wrapper, so watching with one function twice needs two stops.
    const own = (change: FlowChange): void => listener(change);
    this.listeners.add(own);
    try {
      await this.subscriber.listen(this.keys.flowChannel, (message) => this.dispatch(message));
    } catch (error) {
      this.listeners.delete(own);
      throw error;
    }
    return async () => {
      this.listeners.delete(own);
    };
  }

  private dispatch(message: string): void {
    const change = JSON.parse(message) as FlowChange;
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.onError(error, 'flow watch listener');
      }
    }
  }
}
