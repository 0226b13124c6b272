import type { Database } from 'better-sqlite3';
import { isLevelEnabled } from '@sluice/core';
import type { LogEntry, LogRepository } from '@sluice/engine';
import type { GroupCommit } from './group-commit.js';
import { reading, type Guard } from './guard.js';

/** A log line ready to insert: its execution id and its JSON, made when the write was asked for. */
export type LogRow = readonly [executionId: string, json: string];

/** The rows of `entries`, serialized at once so a caller changing them later changes nothing stored. */
export const logRows = (entries: readonly LogEntry[]): LogRow[] => entries.map((e) => [e.executionId, JSON.stringify(e)]);

/** The log repository, plus the insert a save runs inside its own transaction. */
export interface SqliteLogRepository extends LogRepository {
  /** Inserts rows from {@link logRows} in the current transaction, keeping each execution to its newest lines. */
  insert(rows: readonly LogRow[]): void;
}

/** Log lines per execution, one row each, in the order appended. */
export function createLogRepository(db: Database, writes: GroupCommit, guard: Guard, maxPerExecution: number): SqliteLogRepository {
  const insertStmt = db.prepare('INSERT INTO logs (execution_id, json) VALUES (?, ?)');
  const firstStmt = db.prepare('SELECT min(seq) FROM logs WHERE execution_id = ?').pluck();
  const countStmt = db.prepare('SELECT count(*) FROM logs WHERE execution_id = ?').pluck();
  const trimStmt = db.prepare('DELETE FROM logs WHERE seq IN (SELECT seq FROM logs WHERE execution_id = ? ORDER BY seq LIMIT ?)');
  const listStmt = db.prepare('SELECT json FROM logs WHERE execution_id = ? ORDER BY seq').pluck();

  const insert = (rows: readonly LogRow[]): void => {
    const last = new Map<string, number>();
    for (const [executionId, json] of rows) last.set(executionId, Number(insertStmt.run(executionId, json).lastInsertRowid));
    for (const [executionId, lastSeq] of last) {
      // Sequence numbers are shared by every execution, so the span from the first line is an
      // upper bound of the count: the exact count is taken only when it could be over the limit.
      const first = firstStmt.get(executionId) as number | null;
      if (first === null || lastSeq - first + 1 <= maxPerExecution) continue;
      const over = (countStmt.get(executionId) as number) - maxPerExecution;
      if (over > 0) trimStmt.run(executionId, over);
    }
  };

  return {
    insert,
    async append(entries) {
      guard.check();
      if (entries.length === 0) return;
      const rows = logRows(entries);
      await writes.write(() => insert(rows));
    },
    async list(executionId, query = {}) {
      const rows = reading(guard, 'read logs', () => listStmt.all(executionId)) as string[];
      const entries: LogEntry[] = [];
      for (const json of rows) {
        const e = JSON.parse(json) as LogEntry;
        if ((query.minLevel === undefined || isLevelEnabled(e.level, query.minLevel)) &&
          (query.taskId === undefined || e.taskId === query.taskId) &&
          (query.taskRunId === undefined || e.taskRunId === query.taskRunId)) entries.push(e);
      }
      return entries;
    },
  };
}
