import { engineErrors } from '../errors.js';
import { parseIsoDuration } from '../execution/iso-duration.js';

/** What {@link callWithSignal} needs to run one task's `run`. */
export interface CallOptions {
  readonly taskId: string;
  /** The task's `timeout`, an ISO-8601 duration; none when absent. */
  readonly timeout?: string;
  /**
   * When the task's time started (`performance.now()`), if before this call: the time spent
   * since (rendering its props) counts against `timeout`.
   */
  readonly startedAt?: number;
  /** The job's signal: fires when the worker shuts down. */
  readonly jobSignal: AbortSignal;
  /**
   * Calls the plugin with the task's signal (a child of the job's plus the timeout), as a
   * function that makes it: a plugin that never reads its signal costs no AbortController.
   */
  readonly call: (signal: () => AbortSignal) => unknown;
}

/**
 * Runs a plugin call under a signal that fires on the job's signal or after the task's
 * `timeout` (with `TASK_TIMEOUT`), and stops waiting as soon as it fires: a plugin that ignores
 * its signal cannot hold the worker past its timeout. Rejects with the signal's reason then.
 */
export async function callWithSignal(options: CallOptions): Promise<unknown> {
  return await callPlugin(options);
}

/**
 * {@link callWithSignal}, answering at once when the plugin does (a Log, a Return: the outputs
 * it returned, or a throw): the executor runs such a task without a promise of its own. A
 * plugin that returns a promise gets the listener, the timer and the race.
 */
export function callPlugin(options: CallOptions): unknown {
  let timeoutMs: number | undefined;
  if (options.timeout !== undefined) {
    timeoutMs = parseIsoDuration(options.timeout);
    if (timeoutMs === undefined) throw engineErrors.TASK_PROPS_INVALID(options.taskId, `timeout '${options.timeout}' is not an ISO-8601 duration such as PT30S`);
  }
  const { jobSignal } = options;
  const deadline = timeoutMs === undefined ? undefined : (options.startedAt ?? performance.now()) + timeoutMs;
  const timeoutError = () => engineErrors.TASK_TIMEOUT(options.taskId, options.timeout ?? '');
  // A signal that fired before the call (the job's, as the task's start was being saved), or a
  // timeout already spent rendering, means the plugin never starts.
  if (jobSignal.aborted) throw jobSignal.reason;
  if (deadline !== undefined && deadline - performance.now() <= 0) throw timeoutError();

  // The task's signal is made the first time the plugin asks for it (most never do): until then,
  // `fired` and `reason` are what it would hold.
  const lazy: { fired: boolean; reason?: unknown; controller?: AbortController } = { fired: false };
  const signal = (): AbortSignal => {
    if (lazy.controller === undefined) {
      lazy.controller = new AbortController();
      if (lazy.fired) lazy.controller.abort(lazy.reason);
    }
    return lazy.controller.signal;
  };
  // Nothing can fire while the plugin runs synchronously (no timer or event runs in between),
  // so a plugin that returns its outputs at once (a Log, a Return) needs no listener, timer or
  // race: what follows is for one that returns a promise.
  const result = options.call(signal);
  if (!isThenable(result)) return result;
  return race(result, jobSignal, deadline, timeoutError, lazy);
}

/** Waits for a plugin's promise, or for the job's signal or the deadline, whichever comes first. */
async function race(result: PromiseLike<unknown>, jobSignal: AbortSignal, deadline: number | undefined, timeoutError: () => Error, lazy: { fired: boolean; reason?: unknown; controller?: AbortController }): Promise<unknown> {
  // A late rejection after an abort is expected and must not surface as unhandled.
  const running = Promise.resolve(result);
  running.catch(() => undefined);

  let rejectWaiting: ((reason: unknown) => void) | undefined;
  const abort = (why: unknown): void => {
    if (lazy.fired) return;
    lazy.fired = true;
    lazy.reason = why;
    rejectWaiting?.(why);
    lazy.controller?.abort(why);
  };
  const forward = () => abort(jobSignal.reason);
  jobSignal.addEventListener('abort', forward, { once: true });
  // Node counts a timer from the event loop's cached time, which a busy loop leaves behind, and in
  // whole milliseconds: a timer can fire a few ms before its delay has passed. A task is never
  // aborted before its timeout, so an early timer is armed again for what is left.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = (): void => {
    const left = deadline! - performance.now();
    if (left <= 0) abort(timeoutError());
    else timer = setTimeout(check, Math.ceil(left));
  };
  if (deadline !== undefined) check();
  const aborted = new Promise<never>((_, reject) => {
    if (lazy.fired) reject(lazy.reason);
    else rejectWaiting = reject;
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
    jobSignal.removeEventListener('abort', forward);
  }
}

/** True for a promise or any object with a `then` method, as `await` treats it. */
export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
