import type { Database } from 'better-sqlite3';
import { isLevelEnabled } from '@sluice/core';
import type { LogEntry, LogRepository } from '@sluice/engine';
import type { GroupCommit } from './group-commit.js';
import type { Guard } from '@sluice/runtime-memory/in-process';
import { reading } from './guard.js';

/**
 * The lines of one write for one execution, ready to insert as one row: their count and their
 * JSON array, made when the write was asked for (a caller changing the entries later changes
 * nothing stored).
 */
export interface LogRow {
  readonly executionId: string;
  readonly lines: number;
  readonly json: string;
}

/** The rows of `entries`: one per execution (a save's lines are all of one), each in the order given. */
export function logRows(entries: readonly LogEntry[]): LogRow[] {
  const first = entries[0];
  if (first === undefined) return [];
  if (entries.every((e) => e.executionId === first.executionId)) return [{ executionId: first.executionId, lines: entries.length, json: JSON.stringify(entries) }];
  const byExecution = new Map<string, LogEntry[]>();
  for (const e of entries) {
    const group = byExecution.get(e.executionId);
    if (group === undefined) byExecution.set(e.executionId, [e]);
    else group.push(e);
  }
  return [...byExecution].map(([executionId, group]) => ({ executionId, lines: group.length, json: JSON.stringify(group) }));
}

/** The log repository, plus the insert a save runs inside its own transaction. */
export interface SqliteLogRepository extends LogRepository {
  /** Inserts rows from {@link logRows} in the current transaction, keeping each execution to its newest lines. */
  insert(rows: readonly LogRow[]): void;
}

/**
 * Log lines per execution, in the order appended. A row holds the lines of one write (schema 9):
 * its `seq` is the number of its last line, numbers shared by every execution, so the first line
 * a row holds is `seq - lines + 1` and an execution's span of numbers bounds its count of lines.
 */
export function createLogRepository(db: Database, writes: GroupCommit, guard: Guard, maxPerExecution: number): SqliteLogRepository {
  const insertStmt = db.prepare('INSERT INTO logs (seq, execution_id, lines, json) VALUES (?, ?, ?, ?)');
  const lastStmt = db.prepare('SELECT max(seq) FROM logs').pluck();
  const firstStmt = db.prepare('SELECT seq, lines FROM logs WHERE execution_id = ? ORDER BY seq LIMIT 1').raw();
  const countsStmt = db.prepare('SELECT seq, lines FROM logs WHERE execution_id = ? ORDER BY seq').raw();
  const rowStmt = db.prepare('SELECT json FROM logs WHERE seq = ?').pluck();
  const dropStmt = db.prepare('DELETE FROM logs WHERE execution_id = ? AND seq <= ?');
  const cutStmt = db.prepare('UPDATE logs SET lines = ?, json = ? WHERE seq = ?');
  const listStmt = db.prepare('SELECT json FROM logs WHERE execution_id = ? ORDER BY seq').pluck();

  /** Drops the oldest `over` lines of the execution (its `rows`, oldest first): whole rows, then the oldest lines of the next. */
  const trim = (executionId: string, rows: readonly [seq: number, lines: number][], over: number): void => {
    let left = over;
    let dropUpTo: number | undefined;
    for (const [seq, lines] of rows) {
      if (left >= lines) {
        left -= lines;
        dropUpTo = seq;
        if (left === 0) break;
        continue;
      }
      // The row that holds the boundary keeps its newest lines, under its number (its last line's).
      const kept = (JSON.parse(rowStmt.get(seq) as string) as unknown[]).slice(left);
      cutStmt.run(kept.length, JSON.stringify(kept), seq);
      break;
    }
    if (dropUpTo !== undefined) dropStmt.run(executionId, dropUpTo);
  };

  const insert = (rows: readonly LogRow[]): void => {
    let last = (lastStmt.get() as number | null) ?? 0;
    for (const { executionId, lines, json } of rows) {
      last += lines;
      insertStmt.run(last, executionId, lines, json);
      // The span from the execution's first line is an upper bound of its count (other
      // executions' lines share the numbers): the exact count is taken only when it could be over.
      const [firstSeq, firstLines] = (firstStmt.get(executionId) as [number, number] | undefined) ?? [last, lines];
      if (last - firstSeq + firstLines <= maxPerExecution) continue;
      const counts = countsStmt.all(executionId) as [number, number][];
      let count = 0;
      for (const [, n] of counts) count += n;
      if (count > maxPerExecution) trim(executionId, counts, count - maxPerExecution);
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
        for (const e of JSON.parse(json) as LogEntry[]) {
          if ((query.minLevel === undefined || isLevelEnabled(e.level, query.minLevel)) &&
            (query.taskId === undefined || e.taskId === query.taskId) &&
            (query.taskRunId === undefined || e.taskRunId === query.taskRunId)) entries.push(e);
        }
      }
      return entries;
    },
  };
}
