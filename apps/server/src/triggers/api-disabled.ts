import type { FlowRevision, Runtime, TriggerKey } from '@sluice/engine';

/**
 * The triggers disabled through the API, kept in process for the webhook route: a webhook
 * request must not pay a store read to learn that its trigger is enabled. The set is read from
 * the store every `refreshMs` (a change made through another webserver is seen within that
 * time) and changed at once by this process's own API calls.
 */
export interface ApiDisabled {
  /** `flow` with the triggers disabled through the API marked disabled; `flow` itself when there are none. */
  apply(flow: FlowRevision): FlowRevision;
  /** Records a change made through this process's API. */
  set(key: TriggerKey, disabled: boolean): void;
  close(): void;
}

const flowUid = (tenantId: string, namespace: string, flowId: string): string => `${tenantId}\u0000${namespace}\u0000${flowId}`;

/** Reads the set once, then keeps it fresh. */
export async function startApiDisabled(runtime: Pick<Runtime, 'triggers'>, options: { readonly tenants: readonly string[]; readonly refreshMs: number }): Promise<ApiDisabled> {
  let byFlow = new Map<string, Set<string>>();
  const refresh = async (): Promise<void> => {
    const next = new Map<string, Set<string>>();
    for (const tenant of options.tenants) {
      for (const state of await runtime.triggers.list(tenant)) {
        if (!state.disabled) continue;
        const uid = flowUid(state.key.tenantId, state.key.namespace, state.key.flowId);
        if (!next.has(uid)) next.set(uid, new Set());
        next.get(uid)?.add(state.key.triggerId);
      }
    }
    byFlow = next;
  };
  await refresh().catch(() => undefined);
  // A store that does not answer keeps the last set; the next refresh tries again.
  const timer = setInterval(() => void refresh().catch(() => undefined), options.refreshMs);
  timer.unref();
  return {
    apply(flow) {
      const off = byFlow.get(flowUid(flow.tenantId, flow.namespace, flow.id));
      if (!off || off.size === 0) return flow;
      return { ...flow, triggers: flow.triggers.map((t) => (off.has(t.id) && !t.disabled ? { ...t, disabled: true } : t)) };
    },
    set(key, disabled) {
      const uid = flowUid(key.tenantId, key.namespace, key.flowId);
      const off = byFlow.get(uid) ?? new Set<string>();
      if (disabled) off.add(key.triggerId);
      else off.delete(key.triggerId);
      byFlow.set(uid, off);
    },
    close() {
      clearInterval(timer);
    },
  };
}
