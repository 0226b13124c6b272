import { deepFreeze, engineErrors } from '@sluice/engine';

/**
 * Tracks whether the runtime is open. A closed runtime answers like an unreachable store
 * (`RUNTIME_UNAVAILABLE`, retryable), so code written against the BullMQ runtime's failure
 * modes behaves the same in the in-process runtimes.
 */
export interface Guard {
  /** Throws `RUNTIME_UNAVAILABLE` once the runtime is closed. */
  check(): void;
  close(): void;
  readonly closed: boolean;
}

/** A new, open {@link Guard}; `runtime` names the runtime in the error ("the memory runtime is closed"). */
export function createGuard(runtime: string): Guard {
  let closed = false;
  return {
    check() {
      if (closed) throw engineErrors.RUNTIME_UNAVAILABLE(`the ${runtime} runtime is closed`, { retryable: true });
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
 * A deep copy, so callers never share objects with the store: what BullMQ's runtime gets for
 * free from serializing to Redis, and what keeps a test that mutates a result honest.
 */
export function copy<T>(value: T): T {
  return structuredClone(value);
}

/**
 * A frozen deep copy: what a store keeps, so reading it back needs no copy at all. A caller that
 * tries to change what a read returned gets a TypeError (modules run in strict mode) instead of
 * silently changing the store. One copy per write instead of one per write and per read: the
 * executor reads an execution once and writes it a few times, the API reads it often.
 */
export function snapshot<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}
