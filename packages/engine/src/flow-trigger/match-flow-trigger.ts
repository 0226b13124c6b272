import type { EndedExecution, FlowEndTrigger, TObject, TriggerWindowEntry, TSchema } from '@sluice/core';
import type { FlowRevision } from '../flow/flow.types.js';
import { outputsAndTasks } from '../executor/run-variables.js';
import { derivedId } from '../model/ids.js';
import type { Execution } from '../model/execution.js';
import { isTerminated } from '../model/state.js';
import type { PluginRegistry } from '../plugins/index.js';
import type { FlowKey } from '../ports/ports.js';
import { executionFromDecision, triggerScope, type TriggerFiring, type TriggerFiringInput } from '../triggers/trigger-scope.js';
import { silentLogger } from '../webhook/loggers.js';

/**
 * The ids of the enabled `flow`-mode triggers of a live, enabled flow, in the flow's order:
 * what a host's index of flows with Flow triggers keeps (empty for every other flow).
 */
export function flowTriggersOf(flow: FlowRevision, registry: PluginRegistry): string[] {
  if (flow.disabled || flow.deleted) return [];
  return flow.triggers.filter((trigger) => !trigger.disabled && registry.trigger(trigger.type)?.definition.mode === 'flow').map((trigger) => trigger.id);
}

/**
 * The id of the execution a Flow trigger starts for one ended execution: derived from the ended
 * execution, the flow and the trigger, so every worker that handles the same end (a redelivered
 * job, two workers racing after a stall) makes the same id, and the store keeps one.
 */
export function flowTriggerExecutionId(endedExecutionId: string, flowKey: FlowKey, triggerId: string): string {
  return derivedId('sluice-flow-trigger', endedExecutionId, flowKey.tenantId, flowKey.namespace, flowKey.id, triggerId);
}

/** An ended execution as a `flow` trigger sees it. Throws when it has not ended. */
export function endedExecution(execution: Execution): EndedExecution {
  const { state } = execution;
  if (!isTerminated(state.current)) throw new Error(`execution ${execution.id} has not ended (${state.current})`);
  const first = state.histories[0];
  const last = state.histories[state.histories.length - 1];
  return {
    id: execution.id,
    tenantId: execution.tenantId,
    namespace: execution.namespace,
    flowId: execution.flowId,
    flowRevision: execution.flowRevision,
    state: state.current,
    labels: execution.labels,
    outputs: execution.outputs ?? {},
    taskOutputs: outputsAndTasks(execution).outputs,
    startDate: first?.date ?? '',
    endDate: last?.date ?? '',
  };
}

/** One ended execution against one Flow trigger of one flow. */
export interface MatchFlowTriggerInput extends TriggerFiringInput {
  /** The flow whose trigger is asked, at its latest revision. */
  readonly flow: FlowRevision;
  readonly ended: Execution;
}

/**
 * What an end means for one Flow trigger. `start` makes an execution, which the host stores and
 * queues; `window` makes one too, which the host stores only when recording `window` in the
 * trigger's window (`TriggerStateRepository.recordWindow`) says this end completed it.
 */
export type FlowTriggerFiring = TriggerFiring | { readonly kind: 'window'; readonly window: TriggerWindowEntry; readonly execution: Execution };

/**
 * Decides what an ended execution starts through one Flow trigger, like `fireSchedule` does for
 * a tick: the flow must be live and enabled, another flow of the same tenant than the ended
 * execution's (a flow never triggers itself, as in Kestra), and still have the trigger, enabled
 * and in `flow` mode; its host-rendered props are rendered, the plugin's `match` decides, and a
 * start becomes a new execution (`system.from: trigger`) with the id
 * {@link flowTriggerExecutionId}, not stored. A throwing plugin rejects.
 */
export async function matchFlowTrigger(input: MatchFlowTriggerInput): Promise<FlowTriggerFiring> {
  const { flow, ended } = input;
  if (flow.deleted) return { kind: 'not-found', reason: 'the flow no longer exists' };
  if (flow.disabled) return { kind: 'not-found', reason: 'the flow is disabled' };
  if (flow.tenantId !== ended.tenantId) return { kind: 'not-found', reason: 'the execution is of another tenant' };
  if (flow.namespace === ended.namespace && flow.id === ended.flowId) return { kind: 'not-found', reason: 'a flow does not trigger itself' };
  const trigger = flow.triggers.find((t) => t.id === input.triggerId);
  if (!trigger) return { kind: 'not-found', reason: `the flow has no trigger '${input.triggerId}'` };
  if (trigger.disabled) return { kind: 'not-found', reason: `trigger '${trigger.id}' is disabled` };
  const entry = input.registry.trigger(trigger.type);
  if (!entry || entry.definition.mode !== 'flow') return { kind: 'not-found', reason: `trigger '${trigger.id}' is not a flow trigger` };
  const definition = entry.definition as FlowEndTrigger<TObject, TSchema>;

  const prepared = triggerScope({ flow, trigger, entry, secrets: input.secrets, logger: input.logger ?? silentLogger, ...(input.now ? { now: input.now } : {}) });
  if (!prepared.ok) return { kind: 'invalid', errors: prepared.errors };
  const decision = await definition.match(prepared.scope.ctx, prepared.scope.props, endedExecution(ended));
  if (decision.kind === 'skip') return { kind: 'skip', reason: decision.reason };

  const flowKey = { tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id };
  const made = executionFromDecision({
    flow, trigger: { id: trigger.id, type: entry.type }, decision: decision.kind === 'window' ? decision.start : decision, from: 'trigger',
    id: flowTriggerExecutionId(ended.id, flowKey, trigger.id),
    ...(input.now ? { now: input.now } : {}),
  });
  return decision.kind === 'window' && made.kind === 'start' ? { kind: 'window', window: decision.window, execution: made.execution } : made;
}
