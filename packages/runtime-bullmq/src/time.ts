/**
 * Small timing helpers. Every wait in this package is bounded, because the ports promise that
 * no call hangs: these are the one place where a deadline is turned into a rejection.
 */

/** Resolves after `ms`; the timer does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    timer.unref();
  });
}

/** Thrown by {@link withDeadline} when the deadline passes first. */
export class DeadlineError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'DeadlineError';
  }
}

/**
 * Settles like `promise`, or rejects with a {@link DeadlineError} after `ms`. The original
 * promise keeps running (JavaScript cannot cancel it); its late rejection is swallowed so it
 * never surfaces as an unhandled rejection.
 */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), Math.max(0, ms));
    timer.unref();
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
