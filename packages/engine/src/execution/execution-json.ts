import type { Execution, ExecutionTrigger, TaskRun } from '../model/execution.js';
import { stateToJson } from '../model/state.js';

// Kestra serializes with `non_null` inclusion: a property that is null or absent is left out
// rather than written as null. Applied to our own records only, never inside user data
// (inputs, outputs, trigger variables), where a null is a value someone sent.
function compact<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== null)) as Partial<T>;
}

function triggerJson(trigger: ExecutionTrigger | undefined): Record<string, unknown> | undefined {
  return trigger && { id: trigger.id, type: trigger.type, variables: trigger.variables };
}

function taskRunJson(taskRun: TaskRun): Record<string, unknown> {
  return compact({
    tenantId: taskRun.tenantId,
    id: taskRun.id,
    executionId: taskRun.executionId,
    namespace: taskRun.namespace,
    flowId: taskRun.flowId,
    taskId: taskRun.taskId,
    parentTaskRunId: taskRun.parentTaskRunId,
    value: taskRun.value,
    attempts: taskRun.attempts.map((attempt) => ({ state: stateToJson(attempt.state) })),
    // Kestra always writes a task run's outputs, `{}` for a task without any.
    outputs: taskRun.outputs,
    state: stateToJson(taskRun.state),
    iteration: taskRun.iteration,
  });
}

/** The UI address of an execution: `<baseUrl>/ui/<tenant>/executions/<namespace>/<flowId>/<id>`. */
export function executionUrl(execution: Execution, baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/ui/${execution.tenantId}/executions/${execution.namespace}/${execution.flowId}/${execution.id}`;
}

/**
 * An execution as Kestra's API returns it (1.x `Execution`, plus `url` as in its
 * `ExecutionResponse` when `baseUrl` is given): states carry `startDate`, and `endDate` and
 * `duration` once ended; absent fields are left out.
 */
export function executionToJson(execution: Execution, options: { readonly baseUrl?: string } = {}): Record<string, unknown> {
  return compact({
    tenantId: execution.tenantId,
    id: execution.id,
    namespace: execution.namespace,
    flowId: execution.flowId,
    flowRevision: execution.flowRevision,
    taskRunList: execution.taskRunList.map(taskRunJson),
    inputs: execution.inputs,
    outputs: execution.outputs,
    labels: execution.labels,
    variables: execution.variables,
    state: stateToJson(execution.state),
    trigger: triggerJson(execution.trigger),
    originalId: execution.originalId,
    deleted: false,
    metadata: execution.metadata,
    url: options.baseUrl === undefined ? undefined : executionUrl(execution, options.baseUrl),
  });
}

/**
 * The body a webhook caller gets (Kestra 1.x `WebhookResponse`): exactly `tenantId, id,
 * namespace, flowId, flowRevision, trigger, outputs, labels, state, url`, absent fields left
 * out. Narrower than the execution on purpose: no task runs, inputs or variables.
 */
export function webhookResponseJson(execution: Execution, baseUrl: string): Record<string, unknown> {
  return compact({
    tenantId: execution.tenantId,
    id: execution.id,
    namespace: execution.namespace,
    flowId: execution.flowId,
    flowRevision: execution.flowRevision,
    trigger: triggerJson(execution.trigger),
    outputs: execution.outputs,
    labels: execution.labels,
    state: stateToJson(execution.state),
    url: executionUrl(execution, baseUrl),
  });
}
