import { deepFreeze, type Execution, type TaskRun } from '@sluice/engine';
import { snapshot } from './guard.js';

// Each save deep-copied and froze the whole execution, every task run again, though a save
// changes one or a few (a ForEach over 1,000 values copied 1,000 task runs per save, issue 17).
// The frozen copy of a task run is kept with the object it was made from (weakly), and with
// itself, so a save copies only the task runs it brings as new objects: the executor makes a new
// task run object for every change, and a read hands out the frozen copies themselves.
const keptRuns = new WeakMap<object, unknown>();

/**
 * A frozen deep copy of `execution`, as `snapshot` makes it (nothing shared with the caller,
 * nothing the caller can change afterwards), made of the frozen copies of its task runs kept from
 * earlier saves where the same task run object comes again. A task run copied once is frozen in
 * the caller's hands too (deeply), so a change made to it in place throws instead of leaving its
 * kept copy stale: changes make new task run objects, as with `storedExecutionJson`.
 */
export function snapshotExecution(execution: Execution): Execution {
  const list: unknown = execution.taskRunList;
  if (!Array.isArray(list)) return snapshot(execution);
  // The list keeps its place among the keys: a comparison by JSON (`expected`) sees the same text.
  const copy = structuredClone({ ...execution, taskRunList: [] }) as { taskRunList: readonly TaskRun[] };
  copy.taskRunList = Object.freeze(list.map(keptRun));
  // The list and its task runs are frozen already: deepFreeze stops there.
  return deepFreeze(copy as Execution);
}

function keptRun(run: unknown): TaskRun {
  if (run === null || typeof run !== 'object') return run as TaskRun;
  const kept = keptRuns.get(run);
  if (kept !== undefined) return kept as TaskRun;
  const frozen = deepFreeze(structuredClone(run));
  deepFreeze(run);
  keptRuns.set(run, frozen);
  keptRuns.set(frozen, frozen);
  return frozen as TaskRun;
}
