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
  /** Calls the plugin with the task's signal, a child of the job's plus the timeout. */
  readonly call: (signal: AbortSignal) => unknown;
}

/**
 * Runs a plugin call under a signal that fires on the job's signal or after the task's
 * `timeout` (with `TASK_TIMEOUT`), and stops waiting as soon as it fires: a plugin that ignores
 * its signal cannot hold the worker past its timeout. Rejects with the signal's reason then.
 */
export async function callWithSignal(options: CallOptions): Promise<unknown> {
  let timeoutMs: number | undefined;
  if (options.timeout !== undefined) {
    timeoutMs = parseIsoDuration(options.timeout);
    if (timeoutMs === undefined) throw engineErrors.TASK_PROPS_INVALID(options.taskId, `timeout '${options.timeout}' is not an ISO-8601 duration such as PT30S`);
  }
  const controller = new AbortController();
  const forward = () => controller.abort(options.jobSignal.reason);
  if (options.jobSignal.aborted) forward();
  else options.jobSignal.addEventListener('abort', forward, { once: true });
  const timedOut = () => controller.abort(engineErrors.TASK_TIMEOUT(options.taskId, options.timeout ?? ''));
  const deadline = timeoutMs === undefined ? undefined : (options.startedAt ?? performance.now()) + timeoutMs;
  // Node counts a timer from the event loop's cached time, which a busy loop leaves behind, and in
  // whole milliseconds: a timer can fire a few ms before its delay has passed. A task is never
  // aborted before its timeout, so an early timer is armed again for what is left.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = (): void => {
    const left = deadline! - performance.now();
    if (left <= 0) timedOut();
    else timer = setTimeout(check, Math.ceil(left));
  };
  if (deadline !== undefined) check();
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(controller.signal.reason);
    if (controller.signal.aborted) fail();
    else controller.signal.addEventListener('abort', fail, { once: true });
  });
  // Started in a microtask so a synchronous throw is a rejection like any other; its late
  // rejection after an abort is expected and must not surface as unhandled. A signal that fired
  // before then (the job's, as the task's start was being saved) means the plugin never starts.
  const running = Promise.resolve().then(() => {
    controller.signal.throwIfAborted();
    return options.call(controller.signal);
  });
  running.catch(() => undefined);
  aborted.catch(() => undefined);
  try {
    return await Promise.race([running, aborted]);
  } finally {
    clearTimeout(timer);
    options.jobSignal.removeEventListener('abort', forward);
  }
}

