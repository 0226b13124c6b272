import { isLevelEnabled } from '@sluice/core';
import type { LogEntry, LogRepository } from '@sluice/engine';
import { copy, type Guard } from './guard.js';

/** The log store, plus what the execution store needs: to store a save's lines, to drop an evicted execution's. */
export interface MemoryLogStore extends LogRepository {
  /** Appends at once, with no check of the runtime: the caller, a save, has made it. */
  push(entries: readonly LogEntry[]): void;
  drop(executionId: string): void;
}

/** Log entries per execution, in the order appended, at most `maxPerExecution` each (the newest). */
export function createLogStore(guard: Guard, maxPerExecution = Infinity): MemoryLogStore {
  const logs = new Map<string, LogEntry[]>();
  const push = (entries: readonly LogEntry[]): void => {
    for (const entry of entries) {
      const list = logs.get(entry.executionId) ?? [];
      list.push(copy(entry));
      if (list.length > maxPerExecution) list.splice(0, list.length - maxPerExecution);
      logs.set(entry.executionId, list);
    }
  };
  return {
    async append(entries) {
      guard.check();
      push(entries);
    },

    push,

    async list(executionId, query = {}) {
      guard.check();
      return (logs.get(executionId) ?? [])
        .filter((e) =>
          (query.minLevel === undefined || isLevelEnabled(e.level, query.minLevel)) &&
          (query.taskId === undefined || e.taskId === query.taskId) &&
          (query.taskRunId === undefined || e.taskRunId === query.taskRunId))
        .map(copy);
    },

    drop(executionId) {
      logs.delete(executionId);
    },
  };
}
