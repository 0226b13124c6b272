// setTimeout takes at most 2^31 − 1 ms (about 24.8 days); a longer wait is armed in steps.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Jobs that wait for their date in process: see {@link createDelayedJobs}. */
export interface DelayedJobs {
  /** Arms the job of `executionId` due at `at` (epoch ms); false when that job is armed already. */
  add(executionId: string, at: number): boolean;
  /** Disarms the job of `executionId` due at `at`; false when it was not armed (it never was, or it came due). */
  remove(executionId: string, at: number): boolean;
  /** Disarms every job (the runtime is closing; a durable store keeps them). */
  clear(): void;
}

/**
 * The timers of jobs queued for a date (`enqueue(id, { at })`), keyed by execution and date so
 * the same job queued twice is armed once. `onDue` gets each job when its date comes. Timers
 * are unref'd: a waiting job never keeps a process alive.
 */
export function createDelayedJobs(onDue: (executionId: string, at: number) => void, now: () => number = Date.now): DelayedJobs {
  const timers = new Map<string, NodeJS.Timeout>();
  const arm = (key: string, executionId: string, at: number): void => {
    const left = at - now();
    if (left <= 0) {
      timers.delete(key);
      onDue(executionId, at);
      return;
    }
    const timer = setTimeout(() => arm(key, executionId, at), Math.min(left, MAX_TIMER_MS));
    timer.unref();
    timers.set(key, timer);
  };
  return {
    add(executionId, at) {
      const key = `${executionId}@${at}`;
      if (timers.has(key)) return false;
      arm(key, executionId, at);
      return true;
    },
    remove(executionId, at) {
      const key = `${executionId}@${at}`;
      const timer = timers.get(key);
      if (timer === undefined) return false;
      clearTimeout(timer);
      timers.delete(key);
      return true;
    },
    clear() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
