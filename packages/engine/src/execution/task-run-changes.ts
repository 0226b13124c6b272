import type { Execution, TaskRun } from '../model/execution.js';
import { taskRunPosition } from '../executor/task-runs.js';

/** One task run a save names (`SaveOptions.taskRuns`): where it now sits, or absent when removed. */
export type SavedTaskRun =
  | { readonly id: string; readonly position: number; readonly run: TaskRun }
  | { readonly id: string; readonly position: -1; readonly run?: undefined };

/**
 * The task runs named by a save's `taskRuns`, each with its place in `execution.taskRunList`
 * (found without a scan for the executor's lists), or position -1 for one no longer in it, which
 * the store deletes. An id named twice counts once.
 */
export function taskRunChanges(execution: Execution, ids: readonly string[]): SavedTaskRun[] {
  const list = execution.taskRunList;
  const seen = new Set<string>();
  const changes: SavedTaskRun[] = [];
  for (const id of ids) {
    if (seen.has(id)) continue;
    seen.add(id);
    const position = taskRunPosition(list, id);
    const run = position < 0 ? undefined : list[position];
    changes.push(run === undefined ? { id, position: -1 } : { id, position, run });
  }
  return changes;
}

/**
 * What a store holds after a save of `execution` naming `ids` over `stored`: the head of
 * `execution`, its task runs named at their places, the other stored task runs as stored at
 * theirs (by place, as a store keeping one record per task run orders them). For the runtimes
 * that keep whole executions.
 */
export function withSavedTaskRuns(stored: Execution, execution: Execution, ids: readonly string[]): Execution {
  const changes = taskRunChanges(execution, ids);
  // The executor's saves replace task runs in place and append new ones: a copy of the list.
  const list = stored.taskRunList.slice();
  const inPlace = changes.every((change) => {
    if (change.run === undefined) return false;
    if (list[change.position]?.id === change.id) list[change.position] = change.run;
    else if (change.position === list.length) list.push(change.run);
    else return false;
    return true;
  });
  if (inPlace) return { ...execution, taskRunList: list };
  const named = new Set(ids);
  const placed: [position: number, run: TaskRun][] = [];
  stored.taskRunList.forEach((run, position) => {
    if (!named.has(run.id)) placed.push([position, run]);
  });
  for (const change of changes) if (change.run !== undefined) placed.push([change.position, change.run]);
  placed.sort((a, b) => a[0] - b[0]);
  return { ...execution, taskRunList: placed.map(([, run]) => run) };
}
