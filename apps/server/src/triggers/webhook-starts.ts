import { triggerKeyString, type Runtime, type TriggerKey } from '@sluice/engine';
import type { Logger } from 'pino';

/**
 * The executions this process's webhook route started, noted in memory on the request path and
 * written to the trigger states in batches: one `noteStarts` per trigger per flush, never a store
 * round trip per request (a webhook answers once its execution is stored; its trigger's state is
 * for the trigger API, which may lag by the flush period).
 */
export interface WebhookStarts {
  /** Notes that `executionId` was started through the webhook trigger `key`. Synchronous, no I/O. */
  record(key: TriggerKey, executionId: string): void;
  /** Writes what is pending now. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is pending. */
  close(): Promise<void>;
}

interface Pending {
  key: TriggerKey;
  count: number;
  lastExecutionId: string;
  at: number;
}

/** Starts the batching, flushing every `flushMs`. A failed write keeps its counts for the next flush. */
export function startWebhookStarts(runtime: Pick<Runtime, 'triggers'>, logger: Logger, flushMs: number): WebhookStarts {
  let pending = new Map<string, Pending>();
  let flushing: Promise<void> | undefined;
  const flushOnce = async (): Promise<void> => {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    for (const [k, note] of batch) {
      try {
        await runtime.triggers.noteStarts(note.key, { count: note.count, lastExecutionId: note.lastExecutionId, at: note.at });
      } catch (error) {
        // Put back, merged with what arrived since, so no count is lost.
        const since = pending.get(k);
        pending.set(k, since ? { ...since, count: since.count + note.count } : note);
        logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'webhook trigger states not written; retried at the next flush');
      }
    }
  };
  const flush = (): Promise<void> => {
    flushing ??= flushOnce().finally(() => (flushing = undefined));
    return flushing;
  };
  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();
  return {
    record(key, executionId) {
      const k = triggerKeyString(key);
      const at = Date.now();
      const had = pending.get(k);
      pending.set(k, { key, count: (had?.count ?? 0) + 1, lastExecutionId: executionId, at });
    },
    flush,
    async close() {
      clearInterval(timer);
      await flushing;
      await flush();
    },
  };
}
