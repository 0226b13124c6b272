import { deepFreeze, type Execution } from '@sluice/engine';
import { snapshot } from './guard.js';

// Each save deep-copied and froze the whole execution, every task run again, though a save
// changes one or a few (a ForEach over 1,000 values copied 1,000 task runs per save, issue 17).
// The task runs the store holds are deeply frozen plain data, and remembered (weakly): a save
// reuses those, and freezes only the task runs it brings as new objects (the executor makes a new
// task run object for every change; a read hands out the frozen ones, which come back as they are).
const held = new WeakSet<object>();

/**
 * What `snapshot` makes of an execution (nothing the caller can change afterwards), with the task
 * runs the store holds already taken as they are. A new task run of plain data is frozen deeply
 * and held as it is, rather than copied: neither the caller nor a reader can change it then, and
 * a change made to it in place throws instead of going unstored (changes make new task run
 * objects, as with `storedExecutionJson`). One holding anything else (a Date) is copied first.
 */
export function snapshotExecution(execution: Execution): Execution {
  const list: unknown = execution.taskRunList;
  if (!Array.isArray(list)) return snapshot(execution);
  // The list keeps its place among the keys: a comparison by JSON (`expected`) sees the same text.
  const copy = structuredClone({ ...execution, taskRunList: [] }) as { taskRunList: readonly unknown[] };
  copy.taskRunList = Object.freeze(list.map(hold));
  // The list and its task runs are frozen already: deepFreeze stops there.
  return deepFreeze(copy as Execution);
}

function hold(run: unknown): unknown {
  if (run === null || typeof run !== 'object' || held.has(run)) return run;
  const kept = freezePlain(run, 0) ? run : deepFreeze(structuredClone(run));
  held.add(kept);
  return kept;
}

/** Deepest nesting walked before a task run is copied instead (a cycle, or data nested past reason). */
const MAX_DEPTH = 64;

/**
 * Freezes `value` and everything in it, through objects frozen already (deepFreeze stops at
 * those, which could hold unfrozen ones); false when it holds something other than plain objects,
 * arrays and primitives (a Date stays changeable when frozen), or nests past {@link MAX_DEPTH}.
 */
function freezePlain(value: object, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false;
  Object.freeze(value);
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === 'object' && !freezePlain(child, depth + 1)) return false;
  }
  return true;
}
