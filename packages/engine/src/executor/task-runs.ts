import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { newId } from '../model/ids.js';
import { isTerminated, newState, withState, type StateType } from '../model/state.js';

// Where each task run sits in a list, by id, shared by the lists `withTaskRun` derives from it
// (a replacement keeps every position, an append adds one), so a change finds its run in O(1)
// instead of a scan: the executor stages a change per start and end, over every task run.
const positions = new WeakMap<readonly TaskRun[], Map<string, number>>();

function positionsOf(list: readonly TaskRun[]): Map<string, number> {
  let found = positions.get(list);
  if (found === undefined) {
    found = new Map();
    // The first of a duplicated id, as a scan would find it.
    list.forEach((run, i) => {
      if (!found?.has(run.id)) found?.set(run.id, i);
    });
    positions.set(list, found);
  }
  return found;
}

/** Where the task run `id` sits in `list` (the first of that id), or -1; O(1) for the executor's lists. */
export function taskRunPosition(list: readonly TaskRun[], id: string): number {
  const index = positionsOf(list).get(id);
  // Every id of the list is in its map (an id absent there is absent from the list), but a shared
  // map may name a position an older, shorter list does not have: check, and scan then.
  if (index !== undefined && list[index]?.id === id) return index;
  return index === undefined ? -1 : list.findIndex((run) => run.id === id);
}

/**
 * The task run of `id` in `list` (the first, should a broken store hold two), found through the
 * position index `withTaskRun` keeps with the lists it derives: O(1) for those, one pass over a
 * list met for the first time.
 */
export function taskRunOf(list: readonly TaskRun[], id: string): TaskRun | undefined {
  const index = taskRunPosition(list, id);
  return index === -1 ? undefined : list[index];
}

/** `execution` with `taskRun` replacing the task run of the same id, or appended. */
export function withTaskRun(execution: Execution, taskRun: TaskRun): Execution {
  const old = execution.taskRunList;
  const at = positionsOf(old);
  let index = at.get(taskRun.id);
  // A shared map may name a position an older, shorter list does not have: check, and scan then.
  if (index === undefined || old[index]?.id !== taskRun.id) index = index === undefined ? -1 : old.findIndex((run) => run.id === taskRun.id);
  const list = old.slice();
  if (index < 0) {
    list.push(taskRun);
    at.set(taskRun.id, old.length);
  } else {
    list[index] = taskRun;
  }
  positions.set(list, at);
  return { ...execution, taskRunList: list };
}

/** A new task run, CREATED, for `task` in `execution`, at its place in the tree. */
export function newTaskRun(execution: Execution, task: FlowTask, date: Date, place: { readonly parentTaskRunId?: string; readonly value?: string } = {}): TaskRun {
  // A top-level task run (most of them) in one literal: the same keys, in the same order.
  if (place.parentTaskRunId === undefined && place.value === undefined) {
    return {
      tenantId: execution.tenantId, id: newId(), executionId: execution.id, namespace: execution.namespace, flowId: execution.flowId, taskId: task.id,
      attempts: [], outputs: {}, state: newState('CREATED', date),
    };
  }
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
  attempts.push({ state: newState('RUNNING', date) });
  const state = withState(taskRun.state, 'RUNNING', date);
  // Only a run that waited for a retry has `retryAt` to drop; an object rest costs more than a spread.
  if (!Object.hasOwn(taskRun, 'retryAt')) return { ...taskRun, attempts, state };
  const { retryAt: _waited, ...rest } = taskRun;
  return { ...rest, attempts, state };
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
  const attempts = taskRun.attempts.slice();
  const last = attempts.length - 1;
  if (last >= 0) attempts[last] = { ...attempts[last]!, state: withState(attempts[last]!.state, attemptState, date) };
  return { ...taskRun, attempts, outputs, state: withState(taskRun.state, state, date) };
}
