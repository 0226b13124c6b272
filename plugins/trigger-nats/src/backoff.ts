/** The first wait before trying again, and the most it grows to. */
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;

/** The wait before retry `attempt` (1 first): doubling from half a second up to 30 seconds. */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
}

/** Waits `ms`, or less when `signal` fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
