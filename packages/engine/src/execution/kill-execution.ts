import { isSluiceError } from '@sluice/core';
import type { Execution, TaskRun } from '../model/execution.js';
import { isTerminated, withState } from '../model/state.js';
import type { Runtime } from '../ports/ports.js';

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

/** The store and queue a kill goes through. */
export type KillRuntime = Pick<Runtime, 'executions' | 'queue'>;

/**
 * Requests the kill of `read` (the execution as just read): stores it KILLING if the store still
 * holds `read`, announces it, and queues it when no worker holds it (see {@link killRequest}):
 * the first worker to take it ends it KILLED, and its delayed jobs then find it ended.
 * `'changed'` when the store held something else (read it again and retry); `'terminated'` when
 * it had ended.
 */
export async function requestKill(runtime: KillRuntime, read: Execution, now: Date): Promise<'killing' | 'changed' | 'terminated'> {
  const request = killRequest(read, now);
  if (request.kind === 'terminated') return 'terminated';
  try {
    await runtime.executions.save(request.execution, { expected: read, announce: [{ executionId: read.id, state: 'KILLING', terminated: false }] });
  } catch (error) {
    if (isSluiceError(error, 'RUNTIME_EXECUTION_CHANGED')) return 'changed';
    throw error;
  }
  if (!request.held) await runtime.queue.enqueue(read.id, { at: now });
  return 'killing';
}

/** Reads of a child that keeps changing under {@link killChildren} before it gives up on it. */
const MAX_CHILD_READS = 5;

/**
 * Kestra's `isOnKillCascade`: kills the executions `execution` waits for (its Subflows'), and
 * theirs, down the tree. A child that ended meanwhile is left as it is; one that keeps changing
 * is left after a few reads (its own end then wakes the killed parent, which stays KILLED).
 */
export async function killChildren(runtime: KillRuntime, execution: Execution, now: Date): Promise<void> {
  const pending = waitedChildren(execution);
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (let read = 0; read < MAX_CHILD_READS; read++) {
      const child = await runtime.executions.get(id);
      if (!child) break;
      const outcome = await requestKill(runtime, child, now);
      if (outcome === 'changed') continue;
      if (outcome === 'killing') pending.push(...waitedChildren(child));
      break;
    }
  }
}

/** Ids of the executions `execution`'s task runs wait for. */
function waitedChildren(execution: Execution): string[] {
  return execution.taskRunList.flatMap((run) => (run.wait?.child?.wait === true && !isTerminated(run.state.current) ? [run.wait.child.executionId] : []));
}
