import type { Execution, TaskRun } from '../model/execution.js';
import { isTerminated, withState } from '../model/state.js';

/** What a kill request does to an execution; see {@link killRequest}. */
export type KillRequest =
  /** Already ended (Kestra: 409): nothing to kill. */
  | { readonly kind: 'terminated' }
  /**
   * Store `execution` (KILLING) in place of the one read, then announce KILLING. `held`: a worker
   * runs it now (RUNNING, or already KILLING), and ends it when it hears the announcement; not
   * held: it waits (queued, RETRYING, PAUSED, or RUNNING through a Sleep), so it must also be
   * queued for a worker to end it.
   */
  | { readonly kind: 'killing'; readonly execution: Execution; readonly held: boolean };

/**
 * True when every unfinished task run (flowable parents aside) waits for its date, as a Sleep
 * does: the execution stays RUNNING, but no worker holds it until its delayed job comes.
 */
function onlyWaits(execution: Execution): boolean {
  const open = execution.taskRunList.filter((run) => !isTerminated(run.state.current) && (run.plan === undefined || run.wait !== undefined));
  return open.length > 0 && open.every((run) => run.wait !== undefined);
}

/**
 * Kestra's kill, decided from the execution alone: a terminated execution cannot be killed; any
 * other goes KILLING (a second request finds it KILLING and is answered the same, so a lost
 * announcement can be sent again). The worker then ends it with {@link killedExecution}.
 */
export function killRequest(execution: Execution, now: Date): KillRequest {
  const current = execution.state.current;
  if (isTerminated(current)) return { kind: 'terminated' };
  const held = (current === 'RUNNING' || current === 'KILLING') && !onlyWaits(execution);
  return { kind: 'killing', execution: { ...execution, state: withState(execution.state, 'KILLING', now) }, held };
}

/**
 * The execution ended by a kill, as Kestra's executor ends a KILLING one: every task run not
 * ended yet (running, waiting for a retry, created, and the flowable parents holding them) is
 * KILLED, its unfinished attempt too, and the execution goes KILLING then KILLED. Task runs that
 * ended keep their state; nothing more starts (no `errors`, no `finally`).
 */
export function killedExecution(execution: Execution, now: Date): Execution {
  const taskRunList = execution.taskRunList.map((run) => (isTerminated(run.state.current) ? run : killedTaskRun(run, now)));
  const killing = withState(execution.state, 'KILLING', now);
  return { ...execution, taskRunList, state: withState(killing, 'KILLED', now) };
}

function killedTaskRun(run: TaskRun, now: Date): TaskRun {
  const { retryAt: _waiting, ...rest } = run;
  const attempts = run.attempts.map((attempt) => (isTerminated(attempt.state.current) ? attempt : { ...attempt, state: withState(attempt.state, 'KILLED', now) }));
  return { ...rest, attempts, state: withState(run.state, 'KILLED', now) };
}
