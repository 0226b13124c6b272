import { isFlowableTask, type ChildTask, type FlowablePlan } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FlowTask } from '../flow/flow.types.js';
import { mapTasks } from '../flow/task-lists.js';
import type { Execution, TaskRun, TaskRunPlan } from '../model/execution.js';
import { withState } from '../model/state.js';
import { validateOutput } from '../plugins/index.js';
import { loggerOf, messageOf, prepareCall, stateOnError, type TaskRunChange, type TaskRunScope } from './run-task.js';
import { endTaskRun, startAttempt } from './task-runs.js';
import { childRecord } from './subflow.js';
import { waitRecord } from './waits.js';

/**
 * Most task runs one execution may hold: past this, a flowable that would add more fails
 * instead, naming the limit. Saves no longer grow with the task runs (they are stored apart,
 * and a save writes those it changed: see ARCHITECTURE.md), but a read of the execution, the
 * API's answer, a terminal event and the UI's view still carry the whole list: this bounds them.
 */
export const MAX_TASK_RUNS = 2500;

/** The ids of the tasks `task` (a flowable) holds in its task lists: what its plan may name. */
function childIds(task: FlowTask, schema: Parameters<typeof mapTasks>[0]): Set<string> {
  const ids = new Set<string>();
  mapTasks(schema, task.props, [], (child) => {
    ids.add((child as FlowTask).id);
    return child;
  });
  return ids;
}

function toRecord(task: FlowTask, plan: FlowablePlan, allowed: ReadonlySet<string>): TaskRunPlan {
  if (typeof plan !== 'object' || plan === null || !Array.isArray(plan.branches)) throw engineErrors.TASK_PLAN_INVALID(task.id, 'branches must be a list');
  const concurrency = plan.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 0) throw engineErrors.TASK_PLAN_INVALID(task.id, `concurrency must be an integer of 0 or more, got ${String(concurrency)}`);
  const branches = plan.branches.map((branch, i) => {
    if (branch.value !== undefined && typeof branch.value !== 'string') throw engineErrors.TASK_PLAN_INVALID(task.id, `branches[${i}].value must be a string`);
    const taskIds = (Array.isArray(branch.tasks) ? branch.tasks : []).map((child: ChildTask) => {
      if (!allowed.has(child?.id)) throw engineErrors.TASK_PLAN_INVALID(task.id, `branches[${i}] names '${String(child?.id)}', which is not one of its tasks`);
      return child.id;
    });
    const after = branch.after === undefined ? [] : [...branch.after];
    return { ...(branch.value === undefined ? {} : { value: branch.value }), taskIds, ...(after.length > 0 ? { after } : {}) };
  });
  checkOrder(task, branches);
  return { branches, concurrency, allowFailure: plan.allowFailure === true };
}

// Branches that wait on each other must be able to start: every awaited task is in another
// branch of the plan, and no branch waits, through others, on itself.
function checkOrder(task: FlowTask, branches: readonly TaskRunPlan['branches'][number][]): void {
  const branchOf = new Map<string, number>();
  branches.forEach((branch, i) => branch.taskIds.forEach((id) => branchOf.set(id, i)));
  const waitsOn = branches.map((branch, i) => (branch.after ?? []).map((id) => {
    const j = branchOf.get(id);
    if (j === undefined) throw engineErrors.TASK_PLAN_INVALID(task.id, `branches[${i}] waits for '${id}', which is not in the plan`);
    if (j === i) throw engineErrors.TASK_PLAN_INVALID(task.id, `branches[${i}] waits for its own task '${id}'`);
    return j;
  }));
  const state = branches.map(() => 0); // 0 unseen, 1 on the path, 2 done
  const visit = (i: number): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) throw engineErrors.TASK_PLAN_INVALID(task.id, `its branches wait for each other in a circle (through '${branches[i]?.taskIds[0] ?? i}')`);
    state[i] = 1;
    for (const j of waitsOn[i] ?? []) visit(j);
    state[i] = 2;
  };
  branches.forEach((_, i) => visit(i));
}

/**
 * Starts a flowable task run: renders and validates its props, calls its plugin's `plan` and
 * returns the run RUNNING with the plan stored in it (or ended when the plan has no branch), or
 * FAILED with the reason logged: a plugin that threw (a ForEach over a value that is not a list),
 * a plan naming a task that is not its child, or one that would pass {@link MAX_TASK_RUNS}.
 */
export function planFlowable(scope: TaskRunScope, execution: Execution, task: FlowTask, created: TaskRun): Promise<TaskRunChange> {
  const now = scope.now();
  let taskRun: TaskRun = { ...created, state: withState(created.state, 'RUNNING', now) };
  const logger = loggerOf(scope, execution, task, taskRun);
  const done = async (run: TaskRun): Promise<TaskRunChange> => ({ taskRun: run, logs: await logger.take() });
  try {
    const call = prepareCall(scope, execution, task, taskRun, logger);
    const definition = call.entry.definition;
    if (!isFlowableTask(definition)) throw engineErrors.TASK_UNKNOWN_TYPE(task.id, task.type);
    const plan = definition.plan(call.context(() => scope.jobSignal), call.props);
    const record = toRecord(task, plan, childIds(task, definition.props));
    // A Subflow's child is known from the start: its id is an output from the start, too.
    // Each execution a Subflow starts is an attempt of its task run (a retry starts another).
    if (plan.execution !== undefined) taskRun = startAttempt(created, now);
    const child = plan.execution === undefined ? undefined : childRecord(task, execution, taskRun, plan.execution);
    const outputs = child === undefined ? plan.outputs ?? {} : { ...plan.outputs, executionId: child.executionId };
    const valid = validateOutput(call.entry, outputs);
    if (!valid.ok) throw engineErrors.TASK_OUTPUT_INVALID(task.id, valid.message);
    const slots = record.branches.reduce((sum, branch) => sum + branch.taskIds.length, 0);
    if (execution.taskRunList.length + 1 + slots > MAX_TASK_RUNS) {
      throw engineErrors.EXECUTION_TOO_MANY_TASK_RUNS(task.id, execution.taskRunList.length + 1 + slots, MAX_TASK_RUNS);
    }
    if (plan.wait === undefined && child === undefined) return done({ ...taskRun, plan: record, outputs });
    const endsTask = record.branches.length === 0 && (task.errors ?? []).length === 0 && (task.finally ?? []).length === 0;
    if (child !== undefined) {
      // A Subflow: the request is stored with the task run, and the loop starts the child once
      // that is saved (see subflow.ts). Its wait has the task's timeout as its only date.
      if (plan.wait !== undefined) throw engineErrors.TASK_PLAN_INVALID(task.id, 'a plan may wait or start an execution, not both');
      const base = waitRecord(task, definition, {}, now, endsTask);
      const wait = child.wait ? { ...base, child } : { onUntil: base.onUntil, pause: false, endsTask, child };
      return done({ ...taskRun, plan: { ...record, startsExecution: true }, outputs, wait });
    }
    // A waiting task (Pause, Sleep): stored with its wait; a pause shows PAUSED, as in Kestra.
    const wait = waitRecord(task, definition, plan.wait ?? {}, now, endsTask);
    const state = wait.pause ? withState(taskRun.state, 'PAUSED', now) : taskRun.state;
    return done({ ...taskRun, state, plan: record, outputs, wait });
  } catch (error) {
    logger.error(messageOf(error));
    return done(endTaskRun(taskRun, stateOnError(task), {}, scope.now()));
  }
}
