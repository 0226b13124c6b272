import { input as flowInput } from '../flow/build-flow.js';
import { readInputs, type InputError } from '../execution/inputs.js';
import type { Execution } from '../model/execution.js';
import { withState } from '../model/state.js';
import { withTaskRun } from './task-runs.js';
import { endWait, isPaused } from './waits.js';

/** What {@link resumeExecution} takes: the execution as stored, and the resume's inputs. */
export interface ResumeInput {
  readonly execution: Execution;
  /** The `onResume` values, raw (as a form or JSON gave them); validated here. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Who resumes it, kept in the output `resumed.by`. */
  readonly by?: string;
  readonly now?: Date;
}

/** The outcome of {@link resumeExecution}. */
export type ResumeResult =
  /** Resumed: save `execution` (conditionally on the one read), then queue it now. `until` is the date the pause was due to end, whose delayed job is now stale. */
  | { readonly ok: true; readonly execution: Execution; readonly until?: Date }
  /** Nothing to resume: the execution is not PAUSED by a Pause task. */
  | { readonly ok: false; readonly reason: 'not-paused'; readonly message: string }
  /** The inputs do not match the Pause's `onResume`: one error per field, paths `onResume.<id>`. */
  | { readonly ok: false; readonly reason: 'invalid'; readonly errors: readonly InputError[] };

/**
 * Resumes a paused execution, as Kestra's `ExecutionService#resume`: its first PAUSED task run
 * of a Pause ends its wait in SUCCESS with the outputs `onResume` (the inputs, validated like
 * flow inputs against the Pause's `onResume`: defaults applied, a required one missing refused)
 * and `resumed: { by, on, to }`; the execution goes RESTARTED (the executor makes it RUNNING).
 * Pure: the caller stores the result only if the store still holds `execution`, and queues it.
 */
export function resumeExecution({ execution, inputs = {}, by, now = new Date() }: ResumeInput): ResumeResult {
  const paused = execution.state.current === 'PAUSED' ? execution.taskRunList.find(isPaused) : undefined;
  if (!paused?.wait) {
    return { ok: false, reason: 'not-paused', message: `execution '${execution.id}' is not paused (it is ${execution.state.current}), can't resume it` };
  }
  const declared = (paused.wait.inputs ?? []).map((raw) => flowInput(raw as Record<string, unknown>));
  const read = readInputs(declared, inputs);
  if (!read.ok) {
    return { ok: false, reason: 'invalid', errors: read.errors.map((e) => ({ ...e, path: e.path.replace(/^inputs\./, 'onResume.'), message: e.message.replace('the flow declares no input', 'the pause declares no onResume input') })) };
  }
  const until = paused.wait.until === undefined ? undefined : new Date(paused.wait.until);
  const resumed = endWait(paused, { state: 'SUCCESS', date: now, inputs: read.inputs, ...(by === undefined ? {} : { by }) });
  // Another branch may still be paused (Kestra: the execution stays PAUSED until the last one is resumed).
  const next = withTaskRun(execution, resumed);
  const stillPaused = next.taskRunList.some(isPaused);
  return {
    ok: true,
    execution: stillPaused ? next : { ...next, state: withState(next.state, 'RESTARTED', now) },
    ...(until === undefined ? {} : { until }),
  };
}
