import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { newId } from '../model/ids.js';
import { isTerminated, newState, withState, type StateType } from '../model/state.js';

/** `execution` with `taskRun` replacing the task run of the same id, or appended. */
export function withTaskRun(execution: Execution, taskRun: TaskRun): Execution {
  const index = execution.taskRunList.findIndex((run) => run.id === taskRun.id);
  const list = index < 0 ? [...execution.taskRunList, taskRun] : execution.taskRunList.map((run, i) => (i === index ? taskRun : run));
  return { ...execution, taskRunList: list };
}

/** A new task run, CREATED, for `task` in `execution`, at its place in the tree. */
export function newTaskRun(execution: Execution, task: FlowTask, date: Date, place: { readonly parentTaskRunId?: string; readonly value?: string } = {}): TaskRun {
  return {
    tenantId: execution.tenantId,
    id: newId(),
    executionId: execution.id,
    namespace: execution.namespace,
    flowId: execution.flowId,
    taskId: task.id,
    ...(place.parentTaskRunId === undefined ? {} : { parentTaskRunId: place.parentTaskRunId }),
    ...(place.value === undefined ? {} : { value: place.value }),
    attempts: [],
    outputs: {},
    state: newState('CREATED', date),
  };
}

/**
 * `taskRun` with a new RUNNING attempt. An earlier attempt still RUNNING was cut short by a
 * crash (its worker died before recording an end): it becomes RESUBMITTED, Kestra's state for
 * a task delivered again after its worker died, so the history shows what happened.
 */
export function startAttempt(taskRun: TaskRun, date: Date): TaskRun {
  const attempts = taskRun.attempts.map((attempt) =>
    isTerminated(attempt.state.current) ? attempt : { ...attempt, state: withState(attempt.state, 'RESUBMITTED', date) });
  const { retryAt: _waited, ...rest } = taskRun;
  return { ...rest, attempts: [...attempts, { state: newState('RUNNING', date) }], state: withState(taskRun.state, 'RUNNING', date) };
}

/** `taskRun` waiting for its next attempt until `retryAt`: its last attempt FAILED, the run RETRYING. */
export function retryTaskRun(taskRun: TaskRun, retryAt: Date, date: Date): TaskRun {
  const failed = endTaskRun(taskRun, 'FAILED', {}, date);
  return { ...failed, state: withState(failed.state, 'RETRYING', date), retryAt: retryAt.toISOString() };
}

/**
 * `taskRun` ended in `state`, keeping `outputs`; its last attempt ends in `attemptState` (the
 * attempt's own outcome, as Kestra keeps it: FAILED under a run that `allowFailure` made WARNING).
 */
export function endTaskRun(taskRun: TaskRun, state: StateType, outputs: Readonly<Record<string, unknown>>, date: Date, attemptState: StateType = state): TaskRun {
  const attempts = taskRun.attempts.map((attempt, i) =>
    i === taskRun.attempts.length - 1 ? { ...attempt, state: withState(attempt.state, attemptState, date) } : attempt);
  return { ...taskRun, attempts, outputs, state: withState(taskRun.state, state, date) };
}
