/**
 * Counts failed logins per client address and locks an address out for a while once it fails
 * too often, so a password cannot be guessed at the speed of the network. Bounded: the oldest
 * addresses are forgotten first when too many are tracked.
 */
export interface FailureLimiter {
  /** Milliseconds the address must wait, or 0 when it may try. */
  blockedFor(address: string, now?: number): number;
  fail(address: string, now?: number): void;
  succeed(address: string): void;
}

export interface FailureLimiterOptions {
  /** Failures allowed within `windowMs` before the lockout. */
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  /** Addresses tracked at most. */
  readonly maxTracked?: number;
}

interface Entry {
  failures: number;
  firstAt: number;
  lockedUntil: number;
}

export function createFailureLimiter(options: FailureLimiterOptions): FailureLimiter {
  const entries = new Map<string, Entry>();
  const maxTracked = options.maxTracked ?? 10_000;
  return {
    blockedFor(address, now = Date.now()) {
      const entry = entries.get(address);
      return entry && entry.lockedUntil > now ? entry.lockedUntil - now : 0;
    },
    fail(address, now = Date.now()) {
      let entry = entries.get(address);
      if (!entry || now - entry.firstAt > options.windowMs) {
        entries.delete(address);
        if (entries.size >= maxTracked) entries.delete(entries.keys().next().value as string);
        entry = { failures: 0, firstAt: now, lockedUntil: 0 };
        entries.set(address, entry);
      }
      entry.failures++;
      if (entry.failures >= options.maxFailures) entry.lockedUntil = now + options.lockoutMs;
    },
    succeed(address) {
      entries.delete(address);
    },
  };
}
