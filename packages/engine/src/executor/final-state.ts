import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun } from '../model/execution.js';
import type { StateType } from '../model/state.js';

// Kestra's Execution.guessFinalState: the worst state among the task runs wins.
const PRIORITY: readonly StateType[] = ['KILLED', 'FAILED', 'WARNING', 'PAUSED'];

/** The state an execution ends in, from its task runs: KILLED > FAILED > WARNING > PAUSED > SUCCESS. */
export function guessFinalState(taskRuns: readonly TaskRun[]): StateType {
  return worstState(taskRuns.map((run) => run.state.current));
}

/** The worst of `states`: KILLED > FAILED > WARNING > PAUSED > SUCCESS (SKIPPED counts as SUCCESS). */
export function worstState(states: readonly StateType[]): StateType {
  // A scan per priority: the lists are short (a level's states), and a Set of them was garbage.
  for (const state of PRIORITY) if (states.includes(state)) return state;
  return 'SUCCESS';
}

/**
 * The state of a task run whose task threw, as Kestra's `State.Type.fail(task)`: FAILED;
 * WARNING when the task has `allowFailure`; SUCCESS when it also has `allowWarning`.
 */
export function failedState(task: Pick<FlowTask, 'allowFailure' | 'allowWarning'>): StateType {
  if (!task.allowFailure) return 'FAILED';
  return task.allowWarning ? 'SUCCESS' : 'WARNING';
}

/** True when a task run in `state` ends the execution: the following tasks do not run. */
export function stopsExecution(state: StateType): boolean {
  return state === 'FAILED' || state === 'KILLED';
}
