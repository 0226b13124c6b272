import type { LogEntry } from '../model/execution.js';

/**
 * Throws unless every line is `executionId`'s. Runtimes call it in `ExecutionRepository.save`:
 * a save stores the log lines of its own execution only, next to it (on Redis, in its slot).
 */
export function checkSaveLogs(executionId: string, logs: readonly LogEntry[]): void {
  const stray = logs.find((entry) => entry.executionId !== executionId);
  if (stray) throw new TypeError(`a save of execution '${executionId}' was given a log line of execution '${stray.executionId}'`);
}
