import { isLevelEnabled } from '@sluice/core';
import type { LogEntry, LogQuery, LogRepository } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import { appendLogsScript } from './scripts.js';
import { logLineArg } from './log-line.js';

/**
 * Logs in Redis: one list per execution, appended with RPUSH so order is the order written,
 * trimmed to the newest `maxEntries` (a task that logs in a loop cannot fill Redis) and expiring
 * with the execution.
 */
export class RedisLogRepository implements LogRepository {
  constructor(
    private readonly store: RedisStore,
    private readonly keys: Keys,
    private readonly maxEntries: number,
    private readonly ttlSeconds: number,
  ) {}

  async append(entries: readonly LogEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const byExecution = new Map<string, string[]>();
    for (const entry of entries) {
      const lines = byExecution.get(entry.executionId) ?? [];
      lines.push(logLineArg(entry));
      byExecution.set(entry.executionId, lines);
    }
    await this.store.run('append logs', async (client) => {
      // One script per execution: its list is one key, so one slot, and push, trim and expiry
      // land together. (A MULTI did the same, but ioredis builds a pipeline object for it that
      // copies every script defined on the connection, BullMQ's dozens included.)
      await Promise.all(
        [...byExecution].map(([executionId, lines]) =>
          appendLogsScript.run(client, [this.keys.executionLogs(executionId)], [this.maxEntries, this.ttlSeconds, ...lines]),
        ),
      );
    });
  }

  async list(executionId: string, query: LogQuery = {}): Promise<readonly LogEntry[]> {
    const lines = await this.store.run('list logs', (client) => client.lrange(this.keys.executionLogs(executionId), 0, -1));
    const entries: LogEntry[] = [];
    for (const line of lines) {
      const entry = JSON.parse(line) as LogEntry;
      if (query.minLevel !== undefined && !isLevelEnabled(entry.level, query.minLevel)) continue;
      if (query.taskId !== undefined && entry.taskId !== query.taskId) continue;
      if (query.taskRunId !== undefined && entry.taskRunId !== query.taskRunId) continue;
      entries.push(entry);
    }
    return entries;
  }
}
