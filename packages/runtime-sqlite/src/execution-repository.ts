import type { Database } from 'better-sqlite3';
import { parseJson, stringifyJson } from '@sluice/core';
import { checkSaveLogs, deepFreeze, engineErrors, executionJsonWith, isTerminated, storedExecutionJson, storedHeadJson, storedTaskRunJson, taskRunChanges, taskRunJsonOnce, type Execution, type ExecutionEvent, type ExecutionRepository, type StateType, type TaskRun } from '@sluice/engine';
import type { GroupCommit } from './group-commit.js';
import type { Guard } from '@sluice/runtime-memory/in-process';
import { reading } from './guard.js';
import { logRows, type SqliteLogRepository } from './log-repository.js';

/** Milliseconds of the execution's creation: its first state change, as Kestra dates it. */
export function createdAt(execution: Execution): number {
  const date = execution.state.histories[0]?.date ?? execution.metadata.originalCreatedDate;
  const ms = Date.parse(date);
  return Number.isFinite(ms) ? ms : Date.now();
}

/** The repository, plus the insert `submit` runs in the transaction that also queues the execution. */
export interface SqliteExecutionRepository extends ExecutionRepository {
  /**
   * Inserts in the current transaction; false when the id exists (nothing written). The caller
   * tells the retention's count with {@link SqliteExecutionRepository.inserted} once it committed.
   */
  insert(row: ExecutionRow): boolean;
  /** Counts a committed insert for the retention. */
  inserted(): void;
}

/** An execution ready to insert, serialized when the write was asked for. */
export interface ExecutionRow {
  readonly execution: Execution;
  /** The head: the execution's JSON with an empty `taskRunList` (see {@link storedHeadJson}). */
  readonly json: string;
  /** Each task run's JSON, in the list's order. */
  readonly runs: readonly string[];
}

/** The row of `execution`, serialized now (its objects are not kept nor frozen). */
export function executionRow(execution: Execution): ExecutionRow {
  return { execution, json: storedHeadJson(execution), runs: execution.taskRunList.map((run) => stringifyJson(run)) };
}

/** The execution of a head and its task runs' texts, in order: the key where the head holds it. */
function assemble(head: string, runs: readonly string[]): Execution {
  const execution = parseJson(head) as Execution;
  return runs.length === 0 ? execution : { ...execution, taskRunList: runs.map((json) => parseJson(json) as TaskRun) };
}

/** The texts a conditional write compares with the stored row: the head and task runs apart, or the whole execution. */
interface ExpectedTexts {
  readonly head: string;
  readonly runs: readonly string[];
  readonly whole: () => string;
}

/** Options of {@link createExecutionRepository}. */
export interface ExecutionRepositoryOptions {
  readonly logs: SqliteLogRepository;
  /** Delivers the events a save announces, once it is committed, with the saved execution (or what makes it, called only if a listener takes it). */
  readonly announce: (events: readonly ExecutionEvent[], saved: Execution | (() => Execution)) => void;
  /** Told of every execution inserted, once committed, for the retention's count. */
  readonly onInsert: () => void;
  /** Told of every execution deleted on request, once committed, for the retention's count. */
  readonly onDelete: () => void;
}

/** An execution's row as a read finds it: its seq (the key of its task runs), its JSON, and where its task runs are. */
interface StoredRow {
  readonly seq: number;
  readonly json: string;
  /** 1: `json` is the whole execution, task runs included, and no `task_runs` row is its; 0: `json` is the head, task runs in `task_runs`. */
  readonly inline: number;
}

/**
 * Executions, one row each holding the head (the execution but its task runs) and the columns
 * searches filter and sort on, and one `task_runs` row per task run, so a save writes the task
 * runs it changed (`SaveOptions.taskRuns`) and not every other one again. A save that names every
 * task run of the execution (a flow of side-effect-free tasks saved once, at its end) writes them
 * in the execution's own row instead (`runs_inline`, schema 11): one row, where one per task run
 * cost a row and an index entry each; the next save naming only some moves them to `task_runs`.
 */
export function createExecutionRepository(db: Database, writes: GroupCommit, guard: Guard, options: ExecutionRepositoryOptions): SqliteExecutionRepository {
  const insertStmt = db.prepare(`
    INSERT INTO executions (id, tenant_id, namespace, flow_id, state, created_ms, terminated, json, runs_inline)
    VALUES (@id, @tenantId, @namespace, @flowId, @state, @createdMs, @terminated, @json, @inline)
    ON CONFLICT (id) DO NOTHING`);
  // RETURNING seq, the key of the execution's task runs (schema 10), and where they were until
  // this update (which leaves `runs_inline` as it was): found by the update itself.
  const updateStmt = db.prepare('UPDATE executions SET state = @state, terminated = @terminated, json = @json WHERE id = @id RETURNING seq, runs_inline AS inline').raw();
  const inlineStmt = db.prepare('UPDATE executions SET runs_inline = ? WHERE seq = ?');
  // The row and its seq, the key of the execution's task runs: one look-up for both.
  const rowStmt = db.prepare('SELECT seq, json, runs_inline AS inline FROM executions WHERE id = ?');
  const deleteStmt = db.prepare('DELETE FROM executions WHERE id = ?');
  const deleteLogsStmt = db.prepare('DELETE FROM logs WHERE execution_id = ?');
  const deleteQueuedStmt = db.prepare('DELETE FROM queue WHERE execution_id = ?');
  const runsStmt = db.prepare('SELECT json FROM task_runs WHERE execution_seq = ? ORDER BY position').pluck();
  const putRunStmt = db.prepare(`
    INSERT INTO task_runs (execution_seq, position, id, json) VALUES (?, ?, ?, ?)
    ON CONFLICT (execution_seq, id) DO UPDATE SET position = excluded.position, json = excluded.json`);
  const deleteRunStmt = db.prepare('DELETE FROM task_runs WHERE execution_seq = ? AND id = ?');
  const deleteRunsStmt = db.prepare('DELETE FROM task_runs WHERE execution_seq = ?');

  // An execution without task runs has them all in its row, trivially (`inline`): a save naming
  // all it has later then finds no `task_runs` row to delete.
  const insertParams = ({ execution, json, runs }: ExecutionRow) => ({
    id: execution.id,
    tenantId: execution.tenantId,
    namespace: execution.namespace,
    flowId: execution.flowId,
    state: execution.state.current,
    createdMs: createdAt(execution),
    terminated: isTerminated(execution.state.current) ? 1 : 0,
    json,
    inline: runs.length === 0 ? 1 : 0,
  });

  /** The text of every task run of `execution`: those of `changes` as made, the others' as an earlier save kept them. */
  const allRuns = (execution: Execution, changes: readonly { readonly position: number; readonly json: string | undefined }[]): string[] => {
    const texts = new Array<string | undefined>(execution.taskRunList.length);
    for (const change of changes) if (change.json !== undefined && change.position >= 0) texts[change.position] = change.json;
    return execution.taskRunList.map((run, i) => texts[i] ?? storedTaskRunJson(run));
  };

  /** Writes every task run of `row` in place of the stored ones of execution `seq` (in the current transaction). */
  const putAllRuns = (seq: number | bigint, { execution, runs }: ExecutionRow): void => {
    deleteRunsStmt.run(seq);
    runs.forEach((json, position) => putRunStmt.run(seq, position, (execution.taskRunList[position] as TaskRun).id, json));
  };

  const insert = (row: ExecutionRow): boolean => {
    const inserted = insertStmt.run(insertParams(row));
    if (inserted.changes === 0) return false;
    putAllRuns(inserted.lastInsertRowid, row);
    return true;
  };

  const storedRow = (id: string) => rowStmt.get(id) as StoredRow | undefined;

  /** Whether the stored execution (`stored`, absent when none) is the one `expected` serializes to: its head and every task run, in order. */
  const holds = (stored: StoredRow | undefined, expected: ExpectedTexts): boolean => {
    if (stored === undefined) return false;
    if (stored.inline === 1) return stored.json === expected.whole();
    if (stored.json !== expected.head) return false;
    const runs = runsStmt.all(stored.seq) as string[];
    return runs.length === expected.runs.length && runs.every((json, i) => json === expected.runs[i]);
  };

  /** What a conditional write compares, made before the transaction; the whole text only if the stored row holds it. */
  const expectedTexts = (expected: Execution): ExpectedTexts => {
    const head = storedHeadJson(expected);
    const runs = expected.taskRunList.map(storedTaskRunJson);
    return { head, runs, whole: () => (runs.length === 0 ? head : executionJsonWith(expected, runs)) };
  };

  return {
    insert,
    inserted: options.onInsert,

    async create(execution) {
      guard.check();
      const row = executionRow(execution);
      const inserted = await writes.write(() => insert(row));
      if (!inserted) throw engineErrors.RUNTIME_DUPLICATE_EXECUTION(execution.id);
      options.onInsert();
    },

    async save(execution, { announce = [], logs = [], expected, taskRuns } = {}) {
      guard.check();
      checkSaveLogs(execution.id, logs);
      // With the ids of the task runs changed, only those are written; else all of them. The
      // text of a task run an earlier save wrote is reused (storedTaskRunJson). A changed task run
      // is a new object, written once: its text is not kept (taskRunJsonOnce).
      const changes = taskRuns === undefined ? undefined : taskRunChanges(execution, taskRuns).map((change) => ({ ...change, json: change.run === undefined ? undefined : taskRunJsonOnce(change.run) }));
      // Every task run named (and so placed: ids are distinct, and so are their places): they go
      // in the execution's row, written whole from their texts (see the schema's step 11).
      const inline = changes !== undefined && changes.length === execution.taskRunList.length && changes.every((change) => change.json !== undefined);
      const runTexts = inline ? allRuns(execution, changes) : undefined;
      const row: ExecutionRow = { execution, json: runTexts === undefined ? storedHeadJson(execution) : executionJsonWith(execution, runTexts), runs: changes === undefined ? execution.taskRunList.map(storedTaskRunJson) : [] };
      const lines = logRows(logs);
      const expectedRow = expected === undefined ? undefined : expectedTexts(expected);
      const inserted = await writes.write(() => {
        // Checked before anything is written: a refused save stores nothing (see GroupCommit).
        if (expectedRow !== undefined && !holds(storedRow(execution.id), expectedRow)) throw engineErrors.RUNTIME_EXECUTION_CHANGED(execution.id);
        if (lines.length > 0) options.logs.insert(lines);
        // The columns a save changes (the creation date a save never does).
        const state = execution.state.current;
        const updated = updateStmt.get({ id: execution.id, state, terminated: isTerminated(state) ? 1 : 0, json: row.json }) as [seq: number, wasInline: number] | undefined;
        if (updated === undefined) {
          // Not stored (deleted meanwhile): stored again, its task runs apart.
          return insert({ execution, json: storedHeadJson(execution), runs: changes === undefined ? row.runs : runTexts ?? allRuns(execution, changes) });
        }
        const [seq, wasInline] = updated;
        if (inline) {
          // Rows an earlier save wrote apart are the older copies of these task runs.
          if (wasInline === 0) {
            deleteRunsStmt.run(seq);
            inlineStmt.run(1, seq);
          }
        } else if (changes === undefined || wasInline === 1) {
          // The row held them all, and now holds the head alone: every task run gets its row.
          if (wasInline === 1) inlineStmt.run(0, seq);
          putAllRuns(seq, { ...row, runs: changes === undefined ? row.runs : allRuns(execution, changes) });
        } else {
          for (const change of changes) {
            if (change.json === undefined) deleteRunStmt.run(seq, change.id);
            else putRunStmt.run(seq, change.position, change.id, change.json);
          }
        }
        return false;
      });
      if (inserted) options.onInsert();
      // The copy a terminal event carries is made only if someone follows the execution: made now
      // (the listeners run in this call), from what was stored.
      if (announce.length > 0) options.announce(announce, () => deepFreeze(parseJson(inline ? row.json : storedExecutionJson(execution)) as Execution));
    },

    async get(id) {
      return reading(guard, 'read an execution', () => {
        const stored = storedRow(id);
        if (stored === undefined) return undefined;
        return assemble(stored.json, stored.inline === 1 ? [] : (runsStmt.all(stored.seq) as string[]));
      });
    },

    async delete(id, { expected } = {}) {
      guard.check();
      const expectedRow = expected === undefined ? undefined : expectedTexts(expected);
      const deleted = await writes.write(() => {
        const stored = storedRow(id);
        if (stored === undefined) return false;
        // Checked before anything is written: a refused delete changes nothing (see GroupCommit).
        if (expectedRow !== undefined && !holds(stored, expectedRow)) throw engineErrors.RUNTIME_EXECUTION_CHANGED(id);
        deleteRunsStmt.run(stored.seq);
        deleteStmt.run(id);
        deleteLogsStmt.run(id);
        deleteQueuedStmt.run(id);
        return true;
      });
      if (deleted) options.onDelete();
      return deleted;
    },

    async search(query) {
      // The page's task runs in one query (the list route answers them with each execution).
      const withRuns = (rows: readonly StoredRow[]): Execution[] => {
        // Rows holding their task runs need none from task_runs.
        const apart = rows.filter((row) => row.inline !== 1);
        const byExecution = new Map<number, string[]>(apart.map((row) => [row.seq, []]));
        if (apart.length > 0) {
          const marks = apart.map(() => '?').join(', ');
          const runs = db.prepare(`SELECT execution_seq, json FROM task_runs WHERE execution_seq IN (${marks}) ORDER BY execution_seq, position`).raw().all(...apart.map((row) => row.seq)) as [number, string][];
          for (const [seq, json] of runs) byExecution.get(seq)?.push(json);
        }
        return rows.map((row) => assemble(row.json, byExecution.get(row.seq) ?? []));
      };
      const size = Math.max(0, Math.floor(query.size));
      const offset = (Math.max(1, Math.floor(query.page)) - 1) * size;
      const where = ['tenant_id = @tenantId'];
      const args: Record<string, unknown> = { tenantId: query.tenantId, size, offset };
      if (query.namespace !== undefined && query.namespace !== '') {
        where.push("(namespace = @namespace OR substr(namespace, 1, length(@namespace) + 1) = @namespace || '.')");
        args.namespace = query.namespace;
      }
      if (query.flowId !== undefined) {
        where.push('flow_id = @flowId');
        args.flowId = query.flowId;
      }
      // Creation dates as the other runtimes read them: the first state's date, in ms.
      if (query.startDate !== undefined) {
        where.push('created_ms >= @startMs');
        args.startMs = Date.parse(query.startDate);
      }
      if (query.endDate !== undefined) {
        where.push('created_ms <= @endMs');
        args.endMs = Date.parse(query.endDate);
      }
      if (query.states !== undefined) {
        const names = query.states.map((_, i) => `@state${i}`);
        where.push(names.length === 0 ? '0' : `state IN (${names.join(', ')})`);
        query.states.forEach((state: StateType, i) => (args[`state${i}`] = state));
      }
      const filter = where.join(' AND ');
      return reading(guard, 'search executions', () => {
        const total = db.prepare(`SELECT count(*) FROM executions WHERE ${filter}`).pluck().get(args) as number;
        const rows = size === 0 ? [] : db.prepare(`SELECT seq, json, runs_inline AS inline FROM executions WHERE ${filter} ORDER BY created_ms DESC, seq DESC LIMIT @size OFFSET @offset`).all(args) as StoredRow[];
        return { results: withRuns(rows), total };
      });
    },
  };
}
