import type { TriggerContext, TriggerIds } from '@sluice/core';
import { createBaseContext, type MockContextControls, type MockContextOptions } from './base-context.js';

/**
 * Options of {@link createTriggerContext}.
 * @public
 */
export interface TriggerContextOptions extends MockContextOptions {
  /** Ids of the flow and trigger; each one omitted gets a fixed test value. */
  readonly ids?: Partial<TriggerIds>;
}

/**
 * A {@link TriggerContext} for unit tests, with what a test needs to look inside.
 * @public
 */
export type MockTriggerContext = TriggerContext & MockContextControls & {
  /** The reasons passed to `ctx.reject`, in order (each is also logged at ERROR, as the host does). */
  readonly rejected: string[];
};

const DEFAULT_TRIGGER_IDS: TriggerIds = {
  tenantId: 'main',
  namespace: 'company.team',
  flowId: 'test_flow',
  flowRevision: 1,
  triggerId: 'test_trigger',
};

/**
 * Makes a trigger context for calling a trigger's methods directly (a webhook's `receive`, a
 * schedule's `fire`). As in the host, templates see `flow` and `trigger: { id, type? }` unless
 * you pass your own; a webhook trigger passes the request's variables as `extraVariables`.
 *
 * @example
 * ```ts
 * const ctx = createTriggerContext();
 * const decision = await webhook.receive(ctx, { key: 'k' }, webhookRequest({ key: 'k', json: { a: 1 } }));
 * expect(decision.kind).toBe('start');
 * ```
 * @public
 */
export function createTriggerContext(options: TriggerContextOptions = {}): MockTriggerContext {
  const ids: TriggerIds = { ...DEFAULT_TRIGGER_IDS, ...options.ids };
  const variables = {
    flow: { id: ids.flowId, namespace: ids.namespace, revision: ids.flowRevision, tenantId: ids.tenantId },
    trigger: { id: ids.triggerId },
    ...options.variables,
  };
  const base = createBaseContext({ ...options, variables });
  const rejected: string[] = [];
  return Object.assign(base, {
    ids,
    rejected,
    reject(reason: string) {
      base.logger.error(reason);
      rejected.push(reason);
    },
  });
}
