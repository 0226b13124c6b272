import type { FlowRevision } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import { isTerminated } from '../model/state.js';
import type { TriggerKey } from '../ports/ports.js';

/**
 * Kestra's `stopAfter`: the trigger to disable because the execution it started ended in one of
 * the states it lists, or undefined. Read from the flow as it is now (a `stopAfter` removed since
 * the execution started no longer applies). An execution started otherwise (the API), a test
 * event sent from the UI (labelled `system.test`), or one not ended yet disables nothing.
 */
export function stopAfterTarget(flow: FlowRevision | undefined, execution: Execution): TriggerKey | undefined {
  const triggerId = execution.trigger?.id;
  const state = execution.state.current;
  if (!flow || flow.deleted || triggerId === undefined || !isTerminated(state)) return undefined;
  if (execution.labels.some((label) => label.key === 'system.test' && label.value === 'true')) return undefined;
  const trigger = flow.triggers.find((t) => t.id === triggerId);
  if (!trigger?.stopAfter?.includes(state)) return undefined;
  return { tenantId: flow.tenantId, namespace: flow.namespace, flowId: flow.id, triggerId };
}
