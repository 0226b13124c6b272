import { labelsVariable } from '../execution/labels.js';
import type { FlowRevision } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { isTerminatedWithoutFailure, stateToJson } from '../model/state.js';

/**
 * The variables a task's templates see, after Kestra's `RunVariables`: `flow`, `execution`,
 * `task`, `taskrun`, `inputs`, `outputs` (by task id, finished task runs only), `tasks` (their
 * states), `trigger` (the trigger's variables, absent for API starts), `labels` (a nested map)
 * and `vars` (the flow's variables, not rendered). `envs` and `globals` are not offered yet.
 */
export function runVariables(flow: FlowRevision, execution: Execution, task?: { id: string; type: string }, taskRun?: TaskRun): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  const tasks: Record<string, unknown> = {};
  for (const run of execution.taskRunList) {
    tasks[run.taskId] = { state: run.state.current };
    if (isTerminatedWithoutFailure(run.state.current)) outputs[run.taskId] = run.outputs;
  }
  return {
    flow: { id: flow.id, namespace: flow.namespace, revision: flow.revision, tenantId: flow.tenantId },
    execution: { id: execution.id, startDate: stateToJson(execution.state).startDate, originalId: execution.id, state: execution.state.current },
    ...(task ? { task: { id: task.id, type: task.type } } : {}),
    ...(taskRun ? { taskrun: { id: taskRun.id, startDate: stateToJson(taskRun.state).startDate, attemptsCount: taskRun.attempts.length } } : {}),
    inputs: execution.inputs,
    outputs,
    tasks,
    ...(execution.trigger ? { trigger: execution.trigger.variables } : {}),
    labels: labelsVariable(execution.labels),
    vars: flow.variables,
  };
}
