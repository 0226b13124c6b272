import { sweepOrphanFiles } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

/** How often a worker looks for files of executions that retention removed: hourly. */
export const STORAGE_SWEEP_EVERY_MS = 3_600_000;

/**
 * Deletes, every `everyMs`, the files of executions the store no longer holds (retention removed
 * them by age or count, Redis let them expire). Runs in every process that runs executions;
 * several sweeping one shared folder at once only delete the same folders twice. The first sweep
 * comes one period after start, so a fleet restarting together does not sweep at once.
 */
export function startStorageSweep(s: Pick<ServerContext, 'storage' | 'runtime' | 'logger'>, everyMs = STORAGE_SWEEP_EVERY_MS): { close(): void } {
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      sweepOrphanFiles(s.storage, s.runtime.executions, stop.signal)
        .then((deleted) => {
          if (deleted > 0) s.logger.info({ deleted }, `internal storage: deleted the files of ${deleted} executions no longer stored`);
        })
        .catch((error: unknown) => s.logger.warn({ err: error }, 'internal storage sweep failed; it runs again later'))
        .finally(() => {
          if (!stop.signal.aborted) schedule();
        });
    }, everyMs);
    timer.unref();
  };
  schedule();
  return {
    close() {
      stop.abort();
      clearTimeout(timer);
    },
  };
}
