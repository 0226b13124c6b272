/** The first wait before reconnecting, and the most it grows to. */
export const BACKOFF_MIN_MS = 500;
export const BACKOFF_MAX_MS = 30_000;

/**
 * The wait before reconnect attempt `attempt` (1 for the first retry): doubling from
 * {@link BACKOFF_MIN_MS} up to {@link BACKOFF_MAX_MS}, so a broker that is down for long is
 * asked twice a minute, not hammered.
 */
export function backoffMs(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** Math.max(0, attempt - 1));
}
