import type { Database } from 'better-sqlite3';
import { engineErrors } from '@sluice/engine';

/** One write: runs inside the shared transaction and returns what its caller gets. */
export type WriteOp<T> = () => T;

/** Runs writes in shared transactions. */
export interface GroupCommit {
  /**
   * Runs `op` in the next shared transaction and resolves with its result once that transaction
   * has committed. An op that throws a coded error (a duplicate, a changed execution) must throw
   * before it writes anything: it rejects alone, the others commit. Any other error (SQLite's:
   * a full disk, an I/O error) rolls the whole transaction back and rejects every op in it with
   * `RUNTIME_UNAVAILABLE`, so nothing is acknowledged that was not stored.
   */
  write<T>(op: WriteOp<T>): Promise<T>;
  /** Commits what is pending now, and waits for it. */
  flush(): Promise<void>;
}

interface Pending {
  readonly op: WriteOp<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions {
  /** Told about a transaction that failed, with how many writes it held. */
  readonly onError?: (error: unknown, writes: number) => void;
}

const isCoded = (error: unknown): boolean => (error as { $$sluice?: unknown } | null)?.$$sluice !== undefined;

/**
 * Group commit: every write asked for in one turn of the event loop shares one transaction,
 * committed in the check phase (`setImmediate`) after the turn's I/O callbacks, so many webhooks
 * that arrive together pay for one commit (and one fsync with `synchronous = FULL`). better-sqlite3
 * is synchronous: the commit blocks the loop for its duration, which is short, and no write can
 * interleave with it.
 */
export function createGroupCommit(db: Database, options: GroupCommitOptions = {}): GroupCommit {
  let pending: Pending[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let done: Promise<void> = Promise.resolve();
  let settle: (() => void) | undefined;

  const run = (): void => {
    scheduled = undefined;
    const batch = pending;
    pending = [];
    const finished = settle;
    settle = undefined;
    const results: unknown[] = new Array(batch.length);
    const failures: (unknown | undefined)[] = new Array(batch.length);
    try {
      db.transaction(() => {
        batch.forEach((item, i) => {
          try {
            results[i] = item.op();
          } catch (error) {
            if (!isCoded(error)) throw error;
            failures[i] = error;
          }
        });
      })();
    } catch (error) {
      options.onError?.(error, batch.length);
      const reason = `${error instanceof Error ? error.message : String(error)}${(error as { code?: string }).code ? ` (${(error as { code?: string }).code})` : ''}`;
      const unavailable = engineErrors.RUNTIME_UNAVAILABLE(`SQLite refused a write: ${reason}`, { retryable: true, cause: error });
      batch.forEach((item) => item.reject(unavailable));
      finished?.();
      return;
    }
    batch.forEach((item, i) => (failures[i] === undefined ? item.resolve(results[i]) : item.reject(failures[i])));
    finished?.();
  };

  return {
    write<T>(op: WriteOp<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ op, resolve: resolve as (value: unknown) => void, reject });
        if (!scheduled) {
          done = new Promise<void>((ok) => (settle = ok));
          scheduled = setImmediate(run);
        }
      });
    },
    flush() {
      if (scheduled) {
        clearImmediate(scheduled);
        run();
      }
      return done;
    },
  };
}
