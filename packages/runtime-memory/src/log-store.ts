import { isLevelEnabled } from '@sluice/core';
import type { LogEntry, LogRepository } from '@sluice/engine';
import { copy, type Guard } from './guard.js';

/** The log store, plus what the execution store needs to drop an evicted execution's logs. */
export interface MemoryLogStore extends LogRepository {
  drop(executionId: string): void;
}

/** Log entries per execution, in the order appended. */
export function createLogStore(guard: Guard): MemoryLogStore {
  const logs = new Map<string, LogEntry[]>();
  return {
    async append(entries) {
      guard.check();
      for (const entry of entries) {
        const list = logs.get(entry.executionId) ?? [];
        list.push(copy(entry));
        logs.set(entry.executionId, list);
      }
    },

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
