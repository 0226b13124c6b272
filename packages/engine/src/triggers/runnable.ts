import type { ListenTrigger, PluginLogger, PollTrigger, StartDecision, TObject, TriggerContext, TSchema } from '@sluice/core';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import type { PluginRegistry } from '../plugins/index.js';
import type { TriggerKey } from '../ports/ports.js';
import { derivedId } from '../model/ids.js';
import { fingerprint, scheduleIdOf, stableJson } from '../schedule/ids.js';
import type { SecretProvider } from '../secrets/index.js';
import { executionFromDecision, triggerScope } from './trigger-scope.js';

/** The trigger modes the host runs in a long-lived loop under a lease. */
export type RunnableMode = 'poll' | 'listen';

/** One poll or listen trigger the host is to run: an enabled trigger of a live, enabled flow. */
export interface RunnableTrigger {
  readonly key: TriggerKey;
  readonly mode: RunnableMode;
  /** The canonical type string. */
  readonly type: string;
  /** The flow revision it was read from. */
  readonly revision: number;
  /**
   * A fingerprint of the trigger's type and props as written: a runner started under another
   * version is stopped and started again (a flow saved with other props), and one under the
   * same version goes on (a flow saved with only its tasks changed).
   */
  readonly version: string;
}

/** The trigger of `flow` as a key. */
export function triggerKeyOf(flow: Pick<FlowRevision, 'tenantId' | 'namespace' | 'id'>, triggerId: string): TriggerKey {
  return { tenantId: flow.tenantId, namespace: flow.namespace, flowId: flow.id, triggerId };
}

/**
 * The poll and listen triggers `flow` asks the host to run: none for a disabled or deleted
 * flow, none for a trigger `disabled` in its YAML. (A trigger disabled through the API is the
 * runner's to skip: that flag lives in the trigger's state, not in the flow.)
 */
export function runnableTriggersOf(flow: FlowRevision, registry: PluginRegistry): RunnableTrigger[] {
  if (flow.disabled || flow.deleted) return [];
  const out: RunnableTrigger[] = [];
  for (const trigger of flow.triggers) {
    if (trigger.disabled) continue;
    const entry = registry.trigger(trigger.type);
    const mode = entry?.definition.mode;
    if (!entry || (mode !== 'poll' && mode !== 'listen')) continue;
    out.push({
      key: triggerKeyOf(flow, trigger.id),
      mode,
      type: entry.type,
      revision: flow.revision,
      version: fingerprint({ type: entry.type, props: trigger.props, labels: trigger.labels }),
    });
  }
  return out;
}

/** A poll or listen trigger made ready to run: its definition, rendered props and context. */
export type PreparedTrigger =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      readonly flow: FlowRevision;
      readonly trigger: FlowTrigger;
      readonly type: string;
      readonly definition: PollTrigger<TObject, TSchema> | ListenTrigger<TObject, TSchema>;
      readonly props: Record<string, unknown>;
      readonly ctx: TriggerContext;
    };

/**
 * Resolves the trigger `triggerId` of `flow` for running: the flow live and enabled, the trigger
 * there, enabled and of poll or listen mode, its props rendered like a webhook's or a
 * schedule's. `signal` becomes `ctx.signal`, which the host aborts to stop the trigger.
 */
export function prepareTrigger(input: {
  readonly flow: FlowRevision | undefined;
  readonly triggerId: string;
  readonly registry: PluginRegistry;
  readonly secrets: SecretProvider;
  readonly logger: PluginLogger;
  readonly signal: AbortSignal;
  /** Called for each event the plugin rejects (`ctx.reject`), after it was logged. */
  readonly onReject?: (reason: string) => void;
}): PreparedTrigger {
  const { flow } = input;
  if (!flow || flow.deleted) return { ok: false, reason: 'the flow no longer exists' };
  if (flow.disabled) return { ok: false, reason: 'the flow is disabled' };
  const trigger = flow.triggers.find((t) => t.id === input.triggerId);
  if (!trigger) return { ok: false, reason: `the flow has no trigger '${input.triggerId}'` };
  if (trigger.disabled) return { ok: false, reason: `trigger '${trigger.id}' is disabled` };
  const entry = input.registry.trigger(trigger.type);
  const mode = entry?.definition.mode;
  if (!entry || (mode !== 'poll' && mode !== 'listen')) return { ok: false, reason: `trigger '${trigger.id}' is neither a poll nor a listen trigger` };
  const prepared = triggerScope({ flow, trigger, entry, secrets: input.secrets, logger: input.logger, signal: input.signal, ...(input.onReject ? { onReject: input.onReject } : {}) });
  if (!prepared.ok) return { ok: false, reason: `its properties are invalid (${prepared.errors.map((e) => e.path || e.message).join(', ')})` };
  return {
    ok: true, flow, trigger, type: entry.type,
    definition: entry.definition as PollTrigger<TObject, TSchema> | ListenTrigger<TObject, TSchema>,
    props: prepared.scope.props, ctx: prepared.scope.ctx,
  };
}

/** Where a start without a `key` came from: the cursor its poll started from and its place in the answer. */
export interface StartOrigin {
  readonly cursor: unknown;
  readonly index: number;
}

/**
 * The execution id of one start of a poll or listen trigger. With the event's `key`: derived
 * from the trigger and the key, so the event delivered twice starts one execution. Without it,
 * for a poll: derived from the trigger, the cursor it polled from and the start's index, so a
 * poll repeated after a crash before its cursor was stored makes the same executions (as long
 * as the source answers the same from the same cursor). Without either (a listen start with no
 * key): undefined, a fresh id, and a redelivery starts a second execution.
 */
export function triggerExecutionId(key: TriggerKey, start: Pick<StartDecision, 'key'>, origin?: StartOrigin): string | undefined {
  const uid = scheduleIdOf({ tenantId: key.tenantId, namespace: key.namespace, id: key.flowId }, key.triggerId);
  if (start.key !== undefined) return derivedId('sluice-trigger-key', uid, start.key);
  if (origin) return derivedId('sluice-trigger-poll', uid, stableJson(origin.cursor), String(origin.index));
  return undefined;
}

/** What one start becomes: an execution to store, or why the flow refused it (its inputs). */
export type TriggerStart =
  | { readonly kind: 'start'; readonly execution: Execution }
  | { readonly kind: 'invalid'; readonly errors: readonly { readonly path: string; readonly message: string }[] };

/** The execution a start of a prepared poll or listen trigger makes (`system.from: trigger`), not stored. */
export function executionOfStart(
  prepared: Extract<PreparedTrigger, { ok: true }>,
  start: StartDecision,
  origin?: StartOrigin,
  now?: Date,
): TriggerStart {
  const id = triggerExecutionId(triggerKeyOf(prepared.flow, prepared.trigger.id), start, origin);
  return executionFromDecision({
    flow: prepared.flow,
    trigger: { id: prepared.trigger.id, type: prepared.type },
    decision: { variables: start.variables, ...(start.inputs ? { inputs: start.inputs } : {}), ...(start.labels ? { labels: start.labels } : {}) },
    from: 'trigger',
    ...(id ? { id } : {}),
    ...(now ? { now } : {}),
  });
}

/** Capped exponential backoff: `baseMs` after the first failure, doubling, at most `maxMs`. */
export function backoffMs(failures: number, baseMs: number, maxMs: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxMs, baseMs * 2 ** Math.min(failures - 1, 30));
}

/**
 * How long a poll trigger's holder waits before polling: until the stored next poll time, or
 * not at all when it is past. Intervals missed while no process held the trigger are not
 * replayed one by one: one poll catches up (the cursor says from where), then the interval runs
 * from its end.
 */
export function pollDelayMs(nextPollAt: number | undefined, now: number): number {
  return nextPollAt === undefined ? 0 : Math.max(0, nextPollAt - now);
}
