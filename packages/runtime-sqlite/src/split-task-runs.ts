import type { Database } from 'better-sqlite3';
import { parseJson, stringifyJson } from '@sluice/core';
import type { Execution } from '@sluice/engine';
import { storedHeadJson } from '@sluice/engine';

/** Rows read per step of the split, so a large file is not held in memory at once. */
const CHUNK = 500;

/**
 * Moves the task runs of every execution stored with them in its JSON (before schema 8) into
 * `task_runs`, leaving the head in `executions.json`. Runs inside the migration's transaction:
 * a file is split whole or not at all. Each text goes through `parseJson`/`stringifyJson`, so
 * integers beyond 2^53 stay exact.
 */
export function splitStoredExecutions(db: Database): void {
  const page = db.prepare('SELECT seq, id, json FROM executions WHERE seq > ? ORDER BY seq LIMIT ?');
  const setHead = db.prepare('UPDATE executions SET json = ? WHERE seq = ?');
  const insertRun = db.prepare('INSERT OR REPLACE INTO task_runs (execution_id, position, id, json) VALUES (?, ?, ?, ?)');
  let after = 0;
  for (;;) {
    const rows = page.all(after, CHUNK) as { seq: number; id: string; json: string }[];
    for (const row of rows) {
      const execution = parseJson(row.json) as Execution;
      const runs = execution.taskRunList;
      if (!Array.isArray(runs) || runs.length === 0) continue;
      runs.forEach((run, position) => insertRun.run(row.id, position, run.id, stringifyJson(run)));
      setHead.run(storedHeadJson(execution), row.seq);
    }
    if (rows.length < CHUNK) return;
    after = (rows[rows.length - 1] as { seq: number }).seq;
  }
}
