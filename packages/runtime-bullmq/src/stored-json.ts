import { storedExecutionJson, type Execution } from '@sluice/engine';

/**
 * The text an execution object was parsed from, for the executions a job carried: a save
 * conditional on one of them compares that text with the stored one, and serializing the object
 * again would cost the worker a good part of the read it saves. Weak, so it lives as long as the run.
 */
const parsedFrom = new WeakMap<Execution, string>();

/** Records that `execution` was parsed from `json`. */
export function rememberJson(execution: Execution, json: string): void {
  parsedFrom.set(execution, json);
}

/** The text `execution` was parsed from, or, for an object made otherwise, its JSON now. */
export function jsonOf(execution: Execution): string {
  return parsedFrom.get(execution) ?? storedExecutionJson(execution);
}
