import type { Execution } from '../model/execution.js';
import { decide, type DecisionInput } from './decide.js';
import { runIndex, type TaskIndex } from './flow-tree.js';

/**
 * When a waiting execution has something to do: `'now'` when any step is due (a retry or a wait
 * whose date came, or anything else to start or end), else the date of its first wait or retry,
 * or `undefined` when it only waits for a resume. Pure: the flow, the task runs and the clock.
 */
export function nextWake(flow: DecisionInput['flow'], tasks: TaskIndex, execution: Execution, now: Date): Date | 'now' | undefined {
  const actions = decide({ flow, tasks, runs: runIndex(execution.taskRunList), running: new Set() });
  let first: Date | undefined;
  for (const action of actions) {
    if (action.kind !== 'retry' && action.kind !== 'wait') return 'now';
    if (action.at === undefined) continue;
    if (action.at.getTime() <= now.getTime()) return 'now';
    if (first === undefined || action.at < first) first = action.at;
  }
  return first;
}
