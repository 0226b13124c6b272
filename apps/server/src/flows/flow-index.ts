import type { FlowChange, FlowKey, FlowRepository, FlowRevision } from '@sluice/engine';
import { FULL_PASS_EVERY, unlessUnchanged } from './unless-unchanged.js';

/**
 * The latest revision of every flow, in memory, so a webhook request finds its flow with one
 * map lookup whatever the number of flows. Kept fresh by the repository's change feed (which
 * spans processes), with a periodic reload as a safety net for a missed notification: it lists
 * every flow when the store's flow version moved (see `FlowRepository.version`).
 *
 * With `keep`, it holds only the flows `keep` accepts (the flows with Flow triggers, say), so a
 * process can look at those without listing every flow.
 *
 * A miss does not fall back to the store: an unknown flow must cost what a known flow with a
 * wrong key costs, or response times would tell an outsider which flows exist.
 */
export interface FlowIndex {
  get(key: FlowKey): FlowRevision | undefined;
  /** Applies a change at once (the API saved or deleted a flow in this process). */
  apply(flow: FlowRevision | FlowKey, deleted?: boolean): void;
  all(): readonly FlowRevision[];
  close(): Promise<void>;
}

const keyOf = (k: FlowKey): string => `${k.tenantId}\u0000${k.namespace}\u0000${k.id}`;

export async function createFlowIndex(
  flows: FlowRepository,
  tenants: readonly string[] = ['main'],
  refreshMs = 30_000,
  fullReloadEvery = FULL_PASS_EVERY,
  keep: (flow: FlowRevision) => boolean = () => true,
): Promise<FlowIndex> {
  const map = new Map<string, FlowRevision>();
  const gate = unlessUnchanged(flows, tenants, fullReloadEvery);
  const reload = (): Promise<void> => gate(async () => {
    const fresh = new Map<string, FlowRevision>();
    for (const tenant of tenants) for (const flow of await flows.list(tenant)) if (keep(flow)) fresh.set(keyOf(flow), flow);
    map.clear();
    for (const [k, v] of fresh) map.set(k, v);
  });
  await reload();
  const onChange = (change: FlowChange): void => {
    if (change.deleted) {
      map.delete(keyOf(change.key));
      return;
    }
    flows.get(change.key).then(
      (flow) => (flow && keep(flow) ? map.set(keyOf(flow), flow) : map.delete(keyOf(change.key))),
      () => undefined, // the periodic reload repairs it
    );
  };
  const unwatch = await flows.watch(onChange);
  const timer = setInterval(() => void reload().catch(() => undefined), refreshMs);
  timer.unref();
  return {
    get: (key) => map.get(keyOf(key)),
    apply(flow, deleted = false) {
      if (deleted || !('revision' in flow) || !keep(flow)) map.delete(keyOf(flow));
      else {
        const current = map.get(keyOf(flow));
        if (!current || current.revision <= flow.revision) map.set(keyOf(flow), flow);
      }
    },
    all: () => [...map.values()],
    async close() {
      clearInterval(timer);
      await unwatch();
    },
  };
}
