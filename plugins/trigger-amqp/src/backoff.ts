/** The first wait before reconnecting or requeueing, then doubled per consecutive failure. */
export const FIRST_RETRY_MS = 1000;
/** The longest wait. */
export const MAX_RETRY_MS = 30_000;

/**
 * How long to wait after `failures` consecutive failures (1 for the first): 1 s, 2 s, 4 s, ...
 * up to 30 s, minus up to a fifth at random so many listeners do not retry in step.
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(failures - 1, 16)));
  return Math.round(base * (1 - random() * 0.2));
}
