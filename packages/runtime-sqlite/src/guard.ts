import { engineErrors } from '@sluice/engine';
import type { Guard } from '@sluice/runtime-memory/in-process';

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
