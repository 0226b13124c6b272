import { engineErrors } from '@sluice/engine';

/**
 * Tracks whether the runtime is open. A closed runtime answers like an unreachable store
 * (`RUNTIME_UNAVAILABLE`, retryable), as the other runtimes do.
 */
export interface Guard {
  /** Throws `RUNTIME_UNAVAILABLE` once the runtime is closed. */
  check(): void;
  close(): void;
  readonly closed: boolean;
}

/** A new, open {@link Guard}. */
export function createGuard(): Guard {
  let closed = false;
  return {
    check() {
      if (closed) throw engineErrors.RUNTIME_UNAVAILABLE('the SQLite runtime is closed', { retryable: true });
    },
    close() {
      closed = true;
    },
    get closed() {
      return closed;
    },
  };
}

/**
 * Runs a synchronous read, turning a SQLite error (an I/O error, a corrupt page) into the
 * retryable `RUNTIME_UNAVAILABLE` every port promises instead of an unknown error.
 */
export function reading<T>(guard: Guard, what: string, read: () => T): T {
  guard.check();
  try {
    return read();
  } catch (error) {
    if ((error as { $$sluice?: unknown }).$$sluice !== undefined) throw error;
    throw engineErrors.RUNTIME_UNAVAILABLE(`SQLite refused to ${what}: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, cause: error });
  }
}
