import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { stringifyJson } from '@sluice/core';
import { newState, withState, type Execution, type TaskRun } from '@sluice/engine';
import { aLogEntry, aTaskRun, anExecution } from '@sluice/runtime-contract';
import { createSqliteRuntime, DATABASE_FILE, SCHEMA_VERSION } from './index.js';
import { tempDirs, toSchema10, toSchema8, toSchema9 } from './test-support.js';

// The task runs of one execution, by its id (rows are keyed by the execution's seq since schema 10).
const RUNS_OF = 'task_runs WHERE execution_seq = (SELECT seq FROM executions WHERE id = ?)';

const dirs = tempDirs('task-runs');
afterAll(() => dirs.cleanup());

/** An execution RUNNING with `count` task runs, each holding an integer beyond 2^53. */
function withRuns(count: number): Execution {
  const execution = anExecution();
  const taskRunList = Array.from({ length: count }, (_, i) => aTaskRun(execution, { taskId: `t${i}`, outputs: { i, big: 2n ** 70n + BigInt(i) } }));
  return { ...execution, state: withState(execution.state, 'RUNNING'), taskRunList };
}

const rows = (dir: string, sql: string, ...args: unknown[]): unknown[] => {
  const db = new BetterSqlite3(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare(sql).all(...args);
  } finally {
    db.close();
  }
};

describe('the SQLite runtime\'s task runs, stored apart', () => {
  it('splits an execution stored whole before schema 8 when the file is opened, and reads and saves it as before', async () => {
    const dir = dirs.next();
    const execution = withRuns(3);
    const first = createSqliteRuntime({ dir });
    await first.executions.create(execution);
    await first.close();
    // What a version 7 file held: the whole execution in its row, no task_runs table.
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    toSchema8(db);
    db.exec('DROP TABLE task_runs');
    db.prepare('UPDATE executions SET json = ? WHERE id = ?').run(stringifyJson(execution), execution.id);
    db.pragma('user_version = 7');
    db.close();

    const second = createSqliteRuntime({ dir });
    try {
      const read = await second.executions.get(execution.id);
      expect(read).toEqual(execution);
      expect(read?.taskRunList[2]?.outputs.big).toBe(2n ** 70n + 2n);
      // Saved by the executor's way, one task run named: the others stay as they were.
      const changed: TaskRun = { ...(execution.taskRunList[1] as TaskRun), outputs: { again: 1n + 2n ** 64n } };
      const next: Execution = { ...execution, state: withState(execution.state, 'SUCCESS'), taskRunList: execution.taskRunList.map((run, i) => (i === 1 ? changed : run)) };
      await second.executions.save(next, { taskRuns: [changed.id] });
      expect(await second.executions.get(execution.id)).toEqual(next);
      expect((await second.executions.search({ tenantId: 'main', page: 1, size: 5 })).results).toEqual([next]);
    } finally {
      await second.close();
    }
    // The runtime holds the file exclusively: read once it is closed.
    expect(rows(dir, `SELECT position, id FROM ${RUNS_OF} ORDER BY position`, execution.id)).toEqual(execution.taskRunList.map((run, position) => ({ position, id: run.id })));
    expect((rows(dir, 'SELECT json FROM executions WHERE id = ?', execution.id)[0] as { json: string }).json).toContain('"taskRunList":[]');
  });

  it('writes one task_runs row per task run named, leaving the other rows as they were', async () => {
    const dir = dirs.next();
    const execution = withRuns(5);
    const query = `SELECT id, json FROM ${RUNS_OF} ORDER BY position`;
    const first = createSqliteRuntime({ dir });
    await first.executions.create(anExecution({ id: execution.id }));
    await first.executions.save(execution);
    await first.close();
    // The runtime holds the file exclusively: rows are read between two runtimes.
    const before = rows(dir, query, execution.id) as { id: string; json: string }[];
    // Another text in the rows of two task runs the save will not name: it must leave them.
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    db.prepare("UPDATE task_runs SET json = 'untouched' WHERE execution_seq = (SELECT seq FROM executions WHERE id = ?) AND position IN (0, 4)").run(execution.id);
    db.close();
    const second = createSqliteRuntime({ dir });
    const changed: TaskRun = { ...(execution.taskRunList[3] as TaskRun), state: newState('FAILED') };
    const added = aTaskRun(execution, { taskId: 'added' });
    await second.executions.save({ ...execution, taskRunList: [...execution.taskRunList.map((run, i) => (i === 3 ? changed : run)), added] }, { taskRuns: [changed.id, added.id] });
    await second.close();
    const after = rows(dir, query, execution.id) as { id: string; json: string }[];
    expect(after.map((row) => row.id)).toEqual([...execution.taskRunList.map((run) => run.id), added.id]);
    expect(after.map((row) => row.json)).toEqual(['untouched', before[1]?.json, before[2]?.json, stringifyJson(changed), 'untouched', stringifyJson(added)]);
  });

  it('removes the task runs with their execution: on delete and by the retention', async () => {
    const dir = dirs.next();
    const runtime = createSqliteRuntime({ dir, retention: { maxExecutions: 1 } });
    const kept = { ...withRuns(2), state: newState('SUCCESS') };
    try {
      const deleted = withRuns(2);
      const swept = { ...withRuns(2), state: newState('SUCCESS', new Date(Date.now() - 5000)) };
      for (const execution of [deleted, swept, kept]) {
        await runtime.executions.create(execution);
        await runtime.executions.save(execution, { logs: [aLogEntry(execution.id)] });
      }
      expect(await runtime.executions.delete(deleted.id)).toBe(true);
      expect(await runtime.sweep()).toBe(1);
      expect(await runtime.executions.get(kept.id)).toEqual(kept);
    } finally {
      await runtime.close();
    }
    const left = rows(dir, 'SELECT DISTINCT e.id AS execution_id FROM task_runs t JOIN executions e ON e.seq = t.execution_seq') as { execution_id: string }[];
    expect(rows(dir, 'SELECT count(*) AS n FROM task_runs')).toEqual([{ n: 2 }]);
    expect(left.map((row) => row.execution_id)).toEqual([kept.id]);
  });
});

describe('the SQLite runtime\'s schema 9: task runs with a rowid, a log row per write', () => {
  it('moves a version 8 file\'s task runs and log lines into the rows of schema 9, keeping their order', async () => {
    const dir = dirs.next();
    const [one, two] = [withRuns(3), withRuns(2)] as [Execution, Execution];
    const first = createSqliteRuntime({ dir });
    for (const execution of [one, two]) await first.executions.create(anExecution({ id: execution.id }));
    // Lines interleaved between the two executions, several per write, as saves store them.
    await first.executions.save(one, { logs: [aLogEntry(one.id, { message: 'one 1' }), aLogEntry(one.id, { message: 'one 2' })] });
    await first.executions.save(two, { logs: [aLogEntry(two.id, { message: 'two 1' })] });
    await first.logs.append([aLogEntry(one.id, { message: 'one 3' }), aLogEntry(two.id, { message: 'two 2' }), aLogEntry(one.id, { message: 'one 4' })]);
    await first.close();
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    toSchema8(db);
    db.close();
    expect(rows(dir, 'SELECT count(*) AS n FROM logs')).toEqual([{ n: 6 }]);

    const upgrades: [number, number][] = [];
    const second = createSqliteRuntime({ dir, onMigrate: (from, to) => upgrades.push([from, to]) });
    try {
      expect(upgrades).toEqual([[8, SCHEMA_VERSION]]);
      expect(await second.executions.get(one.id)).toEqual(one);
      expect(await second.executions.get(two.id)).toEqual(two);
      expect((await second.logs.list(one.id)).map((line) => line.message)).toEqual(['one 1', 'one 2', 'one 3', 'one 4']);
      expect((await second.logs.list(two.id)).map((line) => line.message)).toEqual(['two 1', 'two 2']);
      // Written after the move: after the moved lines, and one row for a save's lines.
      await second.executions.save(one, { logs: [aLogEntry(one.id, { message: 'one 5' }), aLogEntry(one.id, { message: 'one 6' })] });
      expect((await second.logs.list(one.id)).map((line) => line.message)).toEqual(['one 1', 'one 2', 'one 3', 'one 4', 'one 5', 'one 6']);
      const changed: TaskRun = { ...(one.taskRunList[0] as TaskRun), state: newState('SUCCESS') };
      const next = { ...one, taskRunList: one.taskRunList.map((run, i) => (i === 0 ? changed : run)) };
      await second.executions.save(next, { taskRuns: [changed.id] });
      expect(await second.executions.get(one.id)).toEqual(next);
    } finally {
      await second.close();
    }
    expect(rows(dir, 'SELECT lines FROM logs WHERE execution_id = ? ORDER BY seq', one.id)).toEqual([1, 1, 1, 1, 2].map((lines) => ({ lines })));
    expect(rows(dir, `SELECT position, id FROM ${RUNS_OF} ORDER BY position`, one.id)).toEqual(one.taskRunList.map((run, position) => ({ position, id: run.id })));
  });
});

describe('the SQLite runtime\'s schema 10: task runs keyed by their execution\'s seq', () => {
  it('moves a version 9 file\'s task runs to their execution\'s seq, in order, and leaves orphans behind', async () => {
    const dir = dirs.next();
    const [one, two] = [withRuns(3), withRuns(2)] as [Execution, Execution];
    const first = createSqliteRuntime({ dir });
    for (const execution of [one, two]) await first.executions.create(anExecution({ id: execution.id }));
    await first.executions.save(two);
    await first.executions.save(one);
    await first.close();
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    toSchema9(db);
    // A task run whose execution is no longer stored (none is deleted without its runs, but a file may hold one).
    db.prepare('INSERT INTO task_runs (execution_id, position, id, json) VALUES (?, 0, ?, ?)').run('gone', 'orphan', '{}');
    db.close();
    expect(rows(dir, 'SELECT count(*) AS n FROM task_runs')).toEqual([{ n: 6 }]);

    const upgrades: [number, number][] = [];
    const second = createSqliteRuntime({ dir, onMigrate: (from, to) => upgrades.push([from, to]) });
    try {
      expect(upgrades).toEqual([[9, SCHEMA_VERSION]]);
      expect(await second.executions.get(one.id)).toEqual(one);
      expect(await second.executions.get(two.id)).toEqual(two);
      expect((await second.executions.search({ tenantId: 'main', page: 1, size: 5 })).results.map((e) => e.taskRunList.length).sort()).toEqual([2, 3]);
      const changed: TaskRun = { ...(one.taskRunList[1] as TaskRun), state: newState('SUCCESS') };
      const added = aTaskRun(one, { taskId: 'added' });
      const next = { ...one, taskRunList: [...one.taskRunList.map((run, i) => (i === 1 ? changed : run)), added] };
      await second.executions.save(next, { taskRuns: [changed.id, added.id] });
      expect(await second.executions.get(one.id)).toEqual(next);
      expect(await second.executions.delete(two.id)).toBe(true);
    } finally {
      await second.close();
    }
    expect(rows(dir, `SELECT position, id FROM ${RUNS_OF} ORDER BY position`, one.id)).toEqual([...one.taskRunList.map((run) => run.id), expect.any(String)].map((id, position) => ({ position, id })));
    // Only the runs of the one execution left: the orphan was not moved, the deleted one's went with it.
    expect(rows(dir, 'SELECT count(*) AS n FROM task_runs')).toEqual([{ n: 4 }]);
    expect(rows(dir, 'SELECT DISTINCT execution_seq FROM task_runs')).toEqual(rows(dir, 'SELECT seq AS execution_seq FROM executions WHERE id = ?', one.id));
  });
});

describe('the SQLite runtime\'s schema 11: task runs in their execution\'s row when a save names them all', () => {
  const inlineOf = (dir: string, id: string) => (rows(dir, 'SELECT runs_inline AS inline FROM executions WHERE id = ?', id)[0] as { inline: number }).inline;
  const countOf = (dir: string, id: string) => (rows(dir, `SELECT count(*) AS n FROM ${RUNS_OF}`, id)[0] as { n: number }).n;
  const step = (execution: Execution, i: number, run: TaskRun): Execution => ({ ...execution, taskRunList: execution.taskRunList.map((r, j) => (j === i ? run : r)) });

  it('keeps them in the row while saves name them all, moves them apart on one naming some, and back again', async () => {
    const dir = dirs.next();
    const execution = withRuns(3);
    const runtime = () => createSqliteRuntime({ dir });
    let open = runtime();
    await open.executions.create(anExecution({ id: execution.id }));
    // Every task run named: in the row, none in task_runs; read back exact (integers beyond 2^53 included).
    await open.executions.save(execution, { taskRuns: execution.taskRunList.map((run) => run.id) });
    expect(await open.executions.get(execution.id)).toEqual(execution);
    await open.close();
    expect([inlineOf(dir, execution.id), countOf(dir, execution.id)]).toEqual([1, 0]);
    expect((rows(dir, 'SELECT json FROM executions WHERE id = ?', execution.id)[0] as { json: string }).json).toBe(stringifyJson(execution));

    // One named of four: every task run gets its row, the row keeps the head.
    open = runtime();
    const changed: TaskRun = { ...(execution.taskRunList[1] as TaskRun), outputs: { again: 2n ** 64n } };
    const added = aTaskRun(execution, { taskId: 'added' });
    const apart = { ...step(execution, 1, changed), taskRunList: [...step(execution, 1, changed).taskRunList, added] };
    await open.executions.save(apart, { taskRuns: [added.id, changed.id] });
    expect(await open.executions.get(execution.id)).toEqual(apart);
    expect((await open.executions.search({ tenantId: 'main', page: 1, size: 5 })).results).toEqual([apart]);
    await open.close();
    expect([inlineOf(dir, execution.id), countOf(dir, execution.id)]).toEqual([0, 4]);
    expect(rows(dir, `SELECT position, id, json FROM ${RUNS_OF} ORDER BY position`, execution.id)).toEqual(apart.taskRunList.map((run, position) => ({ position, id: run.id, json: stringifyJson(run) })));

    // Every task run named again, as the executor's save at the end of a run of side-effect-free tasks.
    open = runtime();
    const ended: Execution = { ...apart, state: withState(apart.state, 'SUCCESS') };
    await open.executions.save(ended, { taskRuns: ended.taskRunList.map((run) => run.id) });
    expect(await open.executions.get(execution.id)).toEqual(ended);
    await open.close();
    expect([inlineOf(dir, execution.id), countOf(dir, execution.id)]).toEqual([1, 0]);
  });

  it('compares a conditional save and delete with the row as stored, whichever way it holds its task runs', async () => {
    const dir = dirs.next();
    const runtime = createSqliteRuntime({ dir });
    try {
      const execution = withRuns(2);
      await runtime.executions.create(anExecution({ id: execution.id }));
      await runtime.executions.save(execution, { taskRuns: execution.taskRunList.map((run) => run.id) });
      const stale = step(execution, 0, { ...(execution.taskRunList[0] as TaskRun), outputs: { other: 1 } });
      // Held in the row: refused against another version, stored against this one.
      await expect(runtime.executions.save(stale, { expected: stale, taskRuns: [] })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
      const next = step(execution, 1, { ...(execution.taskRunList[1] as TaskRun), state: newState('SUCCESS') });
      await runtime.executions.save(next, { expected: execution, taskRuns: [(next.taskRunList[1] as TaskRun).id] });
      expect(await runtime.executions.get(execution.id)).toEqual(next);
      // Apart now: the same comparisons hold.
      await expect(runtime.executions.delete(execution.id, { expected: execution })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
      expect(await runtime.executions.delete(execution.id, { expected: next })).toBe(true);
      expect(await runtime.executions.get(execution.id)).toBeUndefined();
      // A save of an execution deleted meanwhile stores it again, whole.
      await runtime.executions.save(next, { taskRuns: next.taskRunList.map((run) => run.id) });
      expect(await runtime.executions.get(execution.id)).toEqual(next);
    } finally {
      await runtime.close();
    }
  });

  it('reads a version 10 file as it was, its task runs apart, and keeps saving it', async () => {
    const dir = dirs.next();
    const execution = withRuns(2);
    const first = createSqliteRuntime({ dir });
    await first.executions.create(anExecution({ id: execution.id }));
    await first.executions.save(execution, { taskRuns: execution.taskRunList.map((run) => run.id) });
    await first.close();
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    toSchema10(db);
    db.close();
    expect(countOf(dir, execution.id)).toBe(2);
    const upgrades: [number, number][] = [];
    const second = createSqliteRuntime({ dir, onMigrate: (from, to) => upgrades.push([from, to]) });
    try {
      expect(upgrades).toEqual([[10, SCHEMA_VERSION]]);
      expect(await second.executions.get(execution.id)).toEqual(execution);
      const ended: Execution = { ...execution, state: withState(execution.state, 'SUCCESS') };
      await second.executions.save(ended, { expected: execution, taskRuns: ended.taskRunList.map((run) => run.id) });
      expect(await second.executions.get(execution.id)).toEqual(ended);
    } finally {
      await second.close();
    }
    // Its rows apart were the older copies: gone once the row holds the task runs.
    expect([inlineOf(dir, execution.id), countOf(dir, execution.id)]).toEqual([1, 0]);
  });
});
