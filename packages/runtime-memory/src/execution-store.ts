import { stringifyJson } from '@sluice/core';
import { checkSaveLogs, engineErrors, isTerminated, withSavedTaskRuns, type Execution, type ExecutionEvent, type ExecutionRepository, type LogEntry } from '@sluice/engine';
import { inNamespace } from './flow-store.js';
import { snapshotExecution } from './execution-snapshot.js';
import type { Guard } from './guard.js';

/** Options of {@link createExecutionStore}. */
export interface ExecutionStoreOptions {
  /**
   * Past this many executions, the oldest terminated ones are dropped. Running and queued
   * executions are never dropped, so the store may exceed it while they pile up.
   */
  readonly maxExecutions?: number;
  /** Terminated executions created longer ago than this, in seconds, are dropped (checked at most once a second). */
  readonly maxAgeSeconds?: number;
  /** The clock of the age, in ms; injectable for tests. */
  readonly now?: () => number;
  /** Called with the id of every dropped execution, to drop its logs with it. */
  readonly onEvict?: (executionId: string) => void;
  /** Stores the log lines a save carries, before the execution. */
  readonly appendLogs?: (entries: readonly LogEntry[]) => void;
  /** Delivers the events a save announces, once the execution is stored, with its snapshot. */
  readonly announce?: (events: readonly ExecutionEvent[], saved: Execution) => void;
}

interface Stored {
  execution: Execution;
  // Insertion order breaks ties between executions created in the same millisecond.
  readonly seq: number;
}

const startOf = (execution: Execution): string => execution.state.histories[0]?.date ?? '';

/** Equal as the BullMQ runtime compares them, by their JSON; a snapshot handed out by a read is equal at once. */
const sameExecution = (stored: Execution | undefined, expected: Execution): boolean =>
  stored !== undefined && (stored === expected || stringifyJson(stored) === stringifyJson(expected));

/**
 * Executions in process, newest first in searches, bounded by `maxExecutions`. Each is kept as a
 * frozen snapshot ({@link snapshotExecution}), and reads hand that snapshot out as it is.
 */
export function createExecutionStore(guard: Guard, options: ExecutionStoreOptions = {}): ExecutionRepository {
  // A Map iterates in insertion order: the first terminated entries are the oldest.
  const executions = new Map<string, Stored>();
  let seq = 0;
  const max = options.maxExecutions ?? Infinity;
  const now = options.now ?? Date.now;
  let agedAt = 0;

  const drop = (id: string): void => {
    executions.delete(id);
    options.onEvict?.(id);
  };

  /**
   * Drops terminated executions created before the cutoff. The map is in creation order, so the
   * walk stops at the first one young enough; running ones on the way are skipped.
   */
  const enforceAge = (): void => {
    if (!options.maxAgeSeconds || now() - agedAt < 1000) return;
    agedAt = now();
    const cutoff = new Date(agedAt - options.maxAgeSeconds * 1000).toISOString();
    for (const [id, stored] of executions) {
      if (startOf(stored.execution) >= cutoff) break;
      if (isTerminated(stored.execution.state.current)) drop(id);
    }
  };

  const enforceRetention = (): void => {
    enforceAge();
    if (executions.size <= max) return;
    for (const [id, stored] of executions) {
      if (executions.size <= max) break;
      if (isTerminated(stored.execution.state.current)) drop(id);
    }
  };

  return {
    async create(execution) {
      guard.check();
      if (executions.has(execution.id)) throw engineErrors.RUNTIME_DUPLICATE_EXECUTION(execution.id);
      executions.set(execution.id, { execution: snapshotExecution(execution), seq: seq++ });
      enforceRetention();
    },

    async save(execution, { announce, logs, expected, taskRuns } = {}) {
      guard.check();
      if (logs && logs.length > 0) checkSaveLogs(execution.id, logs);
      const stored = executions.get(execution.id);
      if (expected !== undefined && !sameExecution(stored?.execution, expected)) {
        throw engineErrors.RUNTIME_EXECUTION_CHANGED(execution.id);
      }
      if (logs && logs.length > 0) options.appendLogs?.(logs);
      // Named task runs alone are written, as the runtimes storing them apart do (see the port);
      // the frozen copies of the task runs kept are reused.
      const saved = snapshotExecution(stored && taskRuns ? withSavedTaskRuns(stored.execution, execution, taskRuns) : execution);
      if (stored) stored.execution = saved;
      else executions.set(execution.id, { execution: saved, seq: seq++ });
      enforceRetention();
      if (announce && announce.length > 0) options.announce?.(announce, saved);
    },

    async get(id) {
      guard.check();
      const stored = executions.get(id);
      return stored?.execution;
    },

    async delete(id, { expected } = {}) {
      guard.check();
      const stored = executions.get(id);
      if (!stored) return false;
      if (expected !== undefined && !sameExecution(stored.execution, expected)) throw engineErrors.RUNTIME_EXECUTION_CHANGED(id);
      // The same path as retention, which drops the execution's logs with it.
      drop(id);
      return true;
    },

    async search(query) {
      guard.check();
      const states = query.states && new Set(query.states);
      const after = query.startDate === undefined ? -Infinity : Date.parse(query.startDate);
      const before = query.endDate === undefined ? Infinity : Date.parse(query.endDate);
      const dated = query.startDate !== undefined || query.endDate !== undefined;
      const created = (e: Execution): number => Date.parse(startOf(e));
      const matches = [...executions.values()].filter(({ execution: e }) =>
        e.tenantId === query.tenantId &&
        inNamespace(e.namespace, query.namespace) &&
        (query.flowId === undefined || e.flowId === query.flowId) &&
        (!states || states.has(e.state.current)) &&
        (!dated || (created(e) >= after && created(e) <= before)));
      matches.sort((a, b) => startOf(b.execution).localeCompare(startOf(a.execution)) || b.seq - a.seq);
      const size = Math.max(0, Math.floor(query.size));
      const from = (Math.max(1, Math.floor(query.page)) - 1) * size;
      return { results: matches.slice(from, from + size).map((s) => s.execution), total: matches.length };
    },
  };
}
