import type { Execution } from '@sluice/engine';

/**
 * The JSON an execution object was parsed from, for the executions a job carried: a save
 * conditional on one of them compares that JSON with the stored one, and serializing the object
 * again would cost the worker more than the read it saves. Weak, so it lives as long as the run.
 */
const parsedFrom = new WeakMap<Execution, string>();

/** Parses `json` as an execution and remembers the text it came from. */
export function parseExecution(json: string): Execution {
  const execution = JSON.parse(json) as Execution;
  if (typeof execution === 'object' && execution !== null) parsedFrom.set(execution, json);
  return execution;
}

/** The JSON `execution` was parsed from, or, for an object made otherwise, its JSON now. */
export function jsonOf(execution: Execution): string {
  return parsedFrom.get(execution) ?? JSON.stringify(execution);
}
