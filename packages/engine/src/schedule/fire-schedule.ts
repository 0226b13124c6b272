import { type ScheduleTick, type ScheduleTrigger, type TObject, type TSchema } from '@sluice/core';
import type { FlowRevision } from '../flow/flow.types.js';
import { silentLogger } from '../webhook/loggers.js';
import { scheduleExecutionId, scheduleIdOf } from './ids.js';
import { executionFromDecision, triggerScope, type TriggerFiring, type TriggerFiringInput } from '../triggers/trigger-scope.js';

/** One due tick of one schedule trigger, as the host's clock delivered it. */
export interface FireScheduleInput extends TriggerFiringInput {
  /** The flow's latest revision, as the host reads it when the tick is due. */
  readonly flow: FlowRevision | undefined;
  readonly tick: ScheduleTick;
  /** Handed to the trigger as `ctx.signal`. */
  readonly signal?: AbortSignal;
}

/** What a tick means; only `start` makes an execution, which the host stores and queues. */
export type ScheduleFiring = TriggerFiring;

/**
 * Decides what a due tick starts, like `dispatchWebhook` does for a request: the flow must be
 * live and enabled and still have the trigger, enabled and in schedule mode; its host-rendered
 * props are rendered, the plugin's `fire` decides, and a start becomes a new execution
 * (`system.from: schedule`), not stored.
 *
 * The execution id is derived from the schedule and the tick's date
 * ({@link scheduleExecutionId}), so a tick handled twice yields the same execution and the
 * store's create-if-absent keeps one. A throwing plugin rejects.
 */
export async function fireSchedule(input: FireScheduleInput): Promise<ScheduleFiring> {
  const { flow } = input;
  if (!flow || flow.deleted) return { kind: 'not-found', reason: 'the flow no longer exists' };
  if (flow.disabled) return { kind: 'not-found', reason: 'the flow is disabled' };
  const trigger = flow.triggers.find((t) => t.id === input.triggerId);
  if (!trigger) return { kind: 'not-found', reason: `the flow has no trigger '${input.triggerId}'` };
  if (trigger.disabled) return { kind: 'not-found', reason: `trigger '${trigger.id}' is disabled` };
  const entry = input.registry.trigger(trigger.type);
  if (!entry || entry.definition.mode !== 'schedule') return { kind: 'not-found', reason: `trigger '${trigger.id}' is not a schedule` };
  const definition = entry.definition as ScheduleTrigger<TObject, TSchema>;

  const logger = input.logger ?? silentLogger;
  const prepared = triggerScope({
    flow, trigger, entry, secrets: input.secrets, logger,
    ...(input.now ? { now: input.now } : {}), ...(input.signal ? { signal: input.signal } : {}),
  });
  if (!prepared.ok) return { kind: 'invalid', errors: prepared.errors };
  const decision = await definition.fire(prepared.scope.ctx, prepared.scope.props, input.tick);
  if (decision.kind === 'skip') return { kind: 'skip', reason: decision.reason };

  const flowKey = { tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id };
  return executionFromDecision({
    flow, trigger: { id: trigger.id, type: entry.type }, decision, from: 'schedule',
    id: scheduleExecutionId(scheduleIdOf(flowKey, trigger.id), input.tick.date),
    ...(input.now ? { now: input.now } : {}),
  });
}
