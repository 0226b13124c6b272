import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { withState, type StateType } from '../model/state.js';

/** The states an execution is restarted from: it ended with a task run that failed or was killed. */
export const RESTARTABLE_STATES: readonly StateType[] = ['FAILED', 'KILLED', 'WARNING'];

/** Why an execution cannot be restarted: its state (Kestra: 409), or no task run to restart from (422). */
export type NotRestartable = { readonly ok: false; readonly reason: 'state' | 'no-task-run'; readonly message: string };

/** What {@link restartExecution} reads of the flow: its `errors` and `finally`, and every task by id. */
export interface RestartFlow {
  readonly errors?: readonly FlowTask[];
  readonly finally?: readonly FlowTask[];
  /** Every task of the flow by id, at any depth (see `taskIndex`). */
  readonly tasks: ReadonlyMap<string, FlowTask>;
}

/**
 * Kestra's restart: the same execution, run again from its failed task runs. Each task run
 * FAILED or KILLED, and each of its ancestors, restarts: a runnable one goes RESTARTED (the
 * executor gives it a new attempt, its earlier ones kept), a flowable one with a plan goes back
 * to RUNNING (its children that ended well stay as they are). The runs of the `errors` and
 * `finally` of the flow and of the restarted flowables are dropped, with their descendants, so
 * they run again after the new attempts. The execution goes RESTARTED, its flow outputs dropped,
 * its attempt number counted up; queued again, the executor carries on from there.
 */
export function restartExecution(execution: Execution, flow: RestartFlow, now: Date): { readonly ok: true; readonly execution: Execution } | NotRestartable {
  const current = execution.state.current;
  if (!RESTARTABLE_STATES.includes(current)) {
    return { ok: false, reason: 'state', message: `Cannot restart execution: current state is '${current}', expected ${RESTARTABLE_STATES.join(', ')}.` };
  }
  const byId = new Map(execution.taskRunList.map((run) => [run.id, run]));
  const failed = execution.taskRunList.filter((run) => run.state.current === 'FAILED' || run.state.current === 'KILLED');
  const restarted = withAncestors(failed, byId);
  const dropped = droppedRuns(execution.taskRunList, restarted, byId, flow);
  const taskRunList = execution.taskRunList
    .filter((run) => !dropped.has(run.id))
    .map((run) => (restarted.has(run.id) && !dropped.has(run.id) ? restartedRun(run, now) : run));
  // Only failures inside errors or finally (dropped, to run again anyway): nothing to restart from.
  if (!failed.some((run) => !dropped.has(run.id))) {
    return { ok: false, reason: 'no-task-run', message: 'No task found to restart execution from!' };
  }
  const { outputs: _outputs, ...rest } = execution;
  return {
    ok: true,
    execution: {
      ...rest,
      taskRunList,
      state: withState(execution.state, 'RESTARTED', now),
      metadata: { ...execution.metadata, attemptNumber: execution.metadata.attemptNumber + 1 },
    },
  };
}

/** `runs` and every ancestor of them, by id. */
export function withAncestors(runs: readonly TaskRun[], byId: ReadonlyMap<string, TaskRun>): Set<string> {
  const out = new Set<string>();
  for (const run of runs) {
    for (let at: TaskRun | undefined = run; at !== undefined && !out.has(at.id); at = at.parentTaskRunId === undefined ? undefined : byId.get(at.parentTaskRunId)) {
      out.add(at.id);
    }
  }
  return out;
}

// The runs of errors and finally at the levels that run again (the flow, the restarted
// flowables), and everything under them.
function droppedRuns(runs: readonly TaskRun[], restarted: ReadonlySet<string>, byId: ReadonlyMap<string, TaskRun>, flow: RestartFlow): Set<string> {
  const flowLevel = idsOf(flow.errors, flow.finally);
  const dropped = new Set<string>();
  for (const run of runs) {
    const parent = run.parentTaskRunId === undefined ? undefined : byId.get(run.parentTaskRunId);
    if (parent === undefined) {
      if (run.parentTaskRunId === undefined && flowLevel.has(run.taskId)) dropped.add(run.id);
      continue;
    }
    if (!restarted.has(parent.id)) continue;
    const task = flow.tasks.get(parent.taskId);
    if (task !== undefined && idsOf(task.errors, task.finally).has(run.taskId)) dropped.add(run.id);
  }
  // Descendants: a run's parent comes before it in the list, so one pass in order finds them all.
  for (const run of runs) if (run.parentTaskRunId !== undefined && dropped.has(run.parentTaskRunId)) dropped.add(run.id);
  return dropped;
}

function idsOf(...lists: readonly (readonly FlowTask[] | undefined)[]): Set<string> {
  return new Set(lists.flatMap((list) => (list ?? []).map((task) => task.id)));
}

// A flowable with a plan carries on from it (RUNNING); a runnable, or a flowable that failed
// before it planned, gets a new attempt (RESTARTED). A Subflow plans again, which starts a new
// execution (its id is derived from the execution's attempt number too): Kestra's default
// `restartBehavior: NEW_EXECUTION`.
function restartedRun(run: TaskRun, now: Date): TaskRun {
  const { retryAt: _waiting, ...rest } = run;
  if (rest.plan?.startsExecution) {
    const { plan: _started, ...replanned } = rest;
    return { ...replanned, state: withState(run.state, 'RESTARTED', now) };
  }
  return { ...rest, state: withState(run.state, run.plan ? 'RUNNING' : 'RESTARTED', now) };
}
