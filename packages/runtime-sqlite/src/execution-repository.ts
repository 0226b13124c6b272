import type { Database } from 'better-sqlite3';
import { parseJson, stringifyJson } from '@sluice/core';
import { checkSaveLogs, deepFreeze, engineErrors, isTerminated, storedExecutionJson, type Execution, type ExecutionEvent, type ExecutionRepository, type StateType } from '@sluice/engine';
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
  readonly json: string;
}

/** Options of {@link createExecutionRepository}. */
export interface ExecutionRepositoryOptions {
  readonly logs: SqliteLogRepository;
  /** Delivers the events a save announces, once it is committed, with the saved execution. */
  readonly announce: (events: readonly ExecutionEvent[], saved: Execution) => void;
  /** Told of every execution inserted, once committed, for the retention's count. */
  readonly onInsert: () => void;
  /** Told of every execution deleted on request, once committed, for the retention's count. */
  readonly onDelete: () => void;
}

/** Executions, one row each holding the JSON and the columns searches filter and sort on. */
export function createExecutionRepository(db: Database, writes: GroupCommit, guard: Guard, options: ExecutionRepositoryOptions): SqliteExecutionRepository {
  const insertStmt = db.prepare(`
    INSERT INTO executions (id, tenant_id, namespace, flow_id, state, created_ms, terminated, json)
    VALUES (@id, @tenantId, @namespace, @flowId, @state, @createdMs, @terminated, @json)
    ON CONFLICT (id) DO NOTHING`);
  const updateStmt = db.prepare('UPDATE executions SET state = @state, terminated = @terminated, json = @json WHERE id = @id');
  const getStmt = db.prepare('SELECT json FROM executions WHERE id = ?').pluck();
  const deleteStmt = db.prepare('DELETE FROM executions WHERE id = ?');
  const deleteLogsStmt = db.prepare('DELETE FROM logs WHERE execution_id = ?');
  const deleteQueuedStmt = db.prepare('DELETE FROM queue WHERE execution_id = ?');

  const params = ({ execution, json }: ExecutionRow) => ({
    id: execution.id,
    tenantId: execution.tenantId,
    namespace: execution.namespace,
    flowId: execution.flowId,
    state: execution.state.current,
    createdMs: createdAt(execution),
    terminated: isTerminated(execution.state.current) ? 1 : 0,
    json,
  });

  const insert = (row: ExecutionRow): boolean => insertStmt.run(params(row)).changes > 0;

  return {
    insert,
    inserted: options.onInsert,

    async create(execution) {
      guard.check();
      const row = { execution, json: stringifyJson(execution) };
      const inserted = await writes.write(() => insert(row));
      if (!inserted) throw engineErrors.RUNTIME_DUPLICATE_EXECUTION(execution.id);
      options.onInsert();
    },

    async save(execution, { announce = [], logs = [], expected } = {}) {
      guard.check();
      checkSaveLogs(execution.id, logs);
      // The text of the task runs an earlier save wrote is reused: a save serializes what changed.
      const row = { execution, json: storedExecutionJson(execution) };
      const lines = logRows(logs);
      const expectedJson = expected === undefined ? undefined : storedExecutionJson(expected);
      const inserted = await writes.write(() => {
        // Checked before anything is written: a refused save stores nothing (see GroupCommit).
        if (expectedJson !== undefined && getStmt.get(execution.id) !== expectedJson) throw engineErrors.RUNTIME_EXECUTION_CHANGED(execution.id);
        if (lines.length > 0) options.logs.insert(lines);
        const { id, state, terminated, json } = params(row);
        return updateStmt.run({ id, state, terminated, json }).changes === 0 && insert(row);
      });
      if (inserted) options.onInsert();
      if (announce.length > 0) options.announce(announce, deepFreeze(parseJson(row.json) as Execution));
    },

    async get(id) {
      const json = reading(guard, 'read an execution', () => getStmt.get(id)) as string | undefined;
      return json === undefined ? undefined : (parseJson(json) as Execution);
    },

    async delete(id, { expected } = {}) {
      guard.check();
      const expectedJson = expected === undefined ? undefined : storedExecutionJson(expected);
      const deleted = await writes.write(() => {
        const stored = getStmt.get(id) as string | undefined;
        if (stored === undefined) return false;
        // Checked before anything is written: a refused delete changes nothing (see GroupCommit).
        if (expectedJson !== undefined && stored !== expectedJson) throw engineErrors.RUNTIME_EXECUTION_CHANGED(id);
        deleteStmt.run(id);
        deleteLogsStmt.run(id);
        deleteQueuedStmt.run(id);
        return true;
      });
      if (deleted) options.onDelete();
      return deleted;
    },

    async search(query) {
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
        const rows = size === 0 ? [] : db.prepare(`SELECT json FROM executions WHERE ${filter} ORDER BY created_ms DESC, seq DESC LIMIT @size OFFSET @offset`).pluck().all(args) as string[];
        return { results: rows.map((json) => parseJson(json) as Execution), total };
      });
    },
  };
}
