import { isLevelEnabled } from '@sluice/core';
import type { LogEntry, LogQuery, LogRepository } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';

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
      lines.push(JSON.stringify(entry));
      byExecution.set(entry.executionId, lines);
    }
    await this.store.run('append logs', async (client) => {
      // One MULTI per execution: its list is one key, so one slot, and push, trim and expiry
      // land together.
      await Promise.all(
        [...byExecution].map(async ([executionId, lines]) => {
          const key = this.keys.executionLogs(executionId);
          const multi = client.multi().rpush(key, ...lines).ltrim(key, -this.maxEntries, -1);
          if (this.ttlSeconds > 0) multi.expire(key, this.ttlSeconds);
          const replies = await multi.exec();
          const failed = replies?.find(([error]) => error !== null)?.[0];
          if (replies === null || failed) throw failed ?? new Error('log append aborted');
        }),
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
