import { isSluiceError } from '@sluice/core';
import type { InputError } from '../execution/inputs.js';
import type { Execution } from '../model/execution.js';
import type { Runtime } from '../ports/ports.js';
import { resumeExecution } from './resume.js';

/** What came of {@link resumePaused}. */
export type ResumePausedResult =
  | { readonly kind: 'resumed'; readonly execution: Execution }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-paused'; readonly message: string; readonly state: string }
  | { readonly kind: 'invalid'; readonly errors: readonly InputError[] };

/**
 * Resumes the paused execution `executionId` (see {@link resumeExecution}) and wakes it: the
 * resumed execution is stored only if the store still holds the one read (a pause whose date came
 * at the same moment, or a second resume, wins otherwise: this one then finds it not paused), the
 * delayed job of the pause's own end is cancelled (it would find nothing due; on BullMQ it could
 * run beside the resumed run), and the execution is queued now. What the resume API calls.
 */
export async function resumePaused(
  runtime: Pick<Runtime, 'executions' | 'queue'>,
  executionId: string,
  options: { readonly inputs?: Readonly<Record<string, unknown>>; readonly by?: string; readonly now?: () => Date } = {},
): Promise<ResumePausedResult> {
  const now = options.now ?? (() => new Date());
  // Twice at most: a save refused because the execution moved on is decided again on what it became.
  for (let attempt = 0; ; attempt++) {
    const execution = await runtime.executions.get(executionId);
    if (!execution) return { kind: 'not-found' };
    const date = now();
    const result = resumeExecution({ execution, ...(options.inputs === undefined ? {} : { inputs: options.inputs }), ...(options.by === undefined ? {} : { by: options.by }), now: date });
    if (!result.ok) {
      return result.reason === 'invalid'
        ? { kind: 'invalid', errors: result.errors }
        : { kind: 'not-paused', message: result.message, state: execution.state.current };
    }
    try {
      await runtime.executions.save(result.execution, { expected: execution, announce: [{ executionId, state: result.execution.state.current, terminated: false }] });
    } catch (error) {
      if (isSluiceError(error, 'RUNTIME_EXECUTION_CHANGED') && attempt === 0) continue;
      throw error;
    }
    if (result.until !== undefined) await runtime.queue.cancel(executionId, { at: result.until });
    await runtime.queue.enqueue(executionId, { at: date });
    return { kind: 'resumed', execution: result.execution };
  }
}
