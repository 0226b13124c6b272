import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { parseJson, stringifyJson } from '@sluice/core';
import { storedHeadJson, type Execution } from '@sluice/engine';

/** A fresh temporary folder per call under one root, removed by `cleanup`. */
export function tempDirs(label: string): { next(): string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), `sluice-sqlite-${label}-`));
  let n = 0;
  return {
    next: () => join(root, String(n++)),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Mounts a tmpfs of `sizeKb` at a new folder (read-only when asked), for the faults a folder
 * cannot fake as root (permissions do not stop root) or without filling the machine's disk.
 * Undefined where mounting is not allowed (not root, a container without the capability).
 */
export function mountTmpfs(sizeKb: number, readOnly = false): { dir: string; unmount(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sqlite-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k${readOnly ? ',ro' : ''}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Creates `dir` and returns it. */
export function made(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Turns the table schema 11 changed back into its shape of version 10, keeping what it holds: the
 * task runs of a row holding them go to `task_runs`, the row keeps the head (an empty
 * `taskRunList` where the list stood), and the column goes. Marks the file version 10.
 */
export function toSchema10(db: Database): void {
  db.transaction(() => {
    const inline = db.prepare('SELECT seq, json FROM executions WHERE runs_inline = 1').raw().all() as [number, string][];
    const putRun = db.prepare('INSERT INTO task_runs (execution_seq, position, id, json) VALUES (?, ?, ?, ?)');
    const putHead = db.prepare('UPDATE executions SET json = ? WHERE seq = ?');
    for (const [seq, json] of inline) {
      // Read and written as the runtime does: integers beyond 2^53 stay exact.
      const execution = parseJson(json) as Execution;
      execution.taskRunList.forEach((run, position) => putRun.run(seq, position, run.id, stringifyJson(run)));
      putHead.run(storedHeadJson(execution), seq);
    }
    db.exec('ALTER TABLE executions DROP COLUMN runs_inline');
    db.pragma('user_version = 10');
  })();
}

/**
 * Turns the table schema 10 changed back into its shape of version 9 (task runs keyed by their
 * execution's id, with a rowid), keeping what it holds, and marks the file version 9.
 */
export function toSchema9(db: Database): void {
  toSchema10(db);
  db.transaction(() => {
    const runs = db.prepare('SELECT e.id, t.position, t.id, t.json FROM task_runs t JOIN executions e ON e.seq = t.execution_seq ORDER BY t.seq').raw().all() as unknown[][];
    db.exec('DROP TABLE task_runs; CREATE TABLE task_runs (seq INTEGER PRIMARY KEY, execution_id TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, UNIQUE (execution_id, id));');
    const putRun = db.prepare('INSERT INTO task_runs (execution_id, position, id, json) VALUES (?, ?, ?, ?)');
    for (const run of runs) putRun.run(...run);
    db.pragma('user_version = 9');
  })();
}

/**
 * Turns the tables schema 9 changed back into their shape of version 8, keeping what they hold
 * (a log row per line, task runs keyed by execution and id), and marks the file version 8: a
 * file as the version before wrote it.
 */
export function toSchema8(db: Database): void {
  toSchema9(db);
  db.transaction(() => {
    const logs = db.prepare('SELECT execution_id, json FROM logs ORDER BY seq').raw().all() as [string, string][];
    db.exec('DROP TABLE logs; CREATE TABLE logs (seq INTEGER PRIMARY KEY, execution_id TEXT NOT NULL, json TEXT NOT NULL); CREATE INDEX logs_execution ON logs (execution_id, seq);');
    const putLine = db.prepare('INSERT INTO logs (execution_id, json) VALUES (?, ?)');
    for (const [executionId, json] of logs) for (const line of JSON.parse(json) as unknown[]) putLine.run(executionId, JSON.stringify(line));
    const runs = db.prepare('SELECT execution_id, position, id, json FROM task_runs').raw().all() as unknown[][];
    db.exec('DROP TABLE task_runs; CREATE TABLE task_runs (execution_id TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (execution_id, id)) WITHOUT ROWID;');
    const putRun = db.prepare('INSERT INTO task_runs (execution_id, position, id, json) VALUES (?, ?, ?, ?)');
    for (const run of runs) putRun.run(...run);
    db.pragma('user_version = 8');
  })();
}
