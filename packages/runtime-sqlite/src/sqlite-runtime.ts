import type { Runtime } from '@sluice/engine';
import { engineErrors } from '@sluice/engine';
import { createEventBus, createGuard } from '@sluice/runtime-memory/in-process';
import { createExecutionRepository, executionRow } from './execution-repository.js';
import { createFlowRepository } from './flow-repository.js';
import { createGroupCommit } from './group-commit.js';
import { reading } from './guard.js';
import { createLogRepository } from './log-repository.js';
import { openDatabase } from './open-database.js';
import { createSessionRepository } from './session-repository.js';
import { createKvRepository } from './kv-repository.js';
import { createTriggerStateRepository } from './trigger-state-repository.js';
import { createConcurrencyRepository } from './concurrency-repository.js';
import { startRetention, type RetentionOptions } from './retention.js';
import { createSqliteQueue } from './sqlite-queue.js';
import { createSqliteSchedules } from './sqlite-schedules.js';

/** Options of {@link createSqliteRuntime}. */
export interface SqliteRuntimeOptions {
  /** The data folder: the database is `sluice.db` in it, with its `-wal` beside. */
  readonly dir: string;
  /**
   * `normal` (default): a commit survives the process crashing, and a power loss may lose the
   * last commits (never corrupt the file). `full`: the log is synced to disk at every commit, so
   * commits also survive a power loss, for the cost of one fsync per group commit.
   */
  readonly synchronous?: 'normal' | 'full';
  /** Refuse to start with less free space than this in the data folder. Default 32 MB. */
  readonly minFreeBytes?: number;
  /** How much history to keep; see {@link RetentionOptions}. */
  readonly retention?: Partial<RetentionOptions>;
  /** At most this many executions run at once across every consumer; unbounded by default. */
  readonly concurrency?: number;
  /** How long `close()` waits for running executions before aborting them, in ms (default 10 s). */
  readonly closeGraceMs?: number;
  /** Told about errors with no caller to reject: a handler that threw, a background write that failed. */
  readonly onError?: (error: unknown, context: string) => void;
  /** The clock for flow revision dates; injectable for tests. */
  readonly now?: () => Date;
  /**
   * Told, before it starts, that the file is being upgraded from an older schema version: one
   * transaction that may rewrite every row (schema 8 splits every stored execution), so a start
   * on a large file takes longer and should say why.
   */
  readonly onMigrate?: (from: number, to: number) => void;
}

/** The SQLite runtime, with where its file is and what it keeps, for the start-up line. */
export interface SqliteRuntime extends Runtime {
  readonly file: string;
  /** True when this open created the file (a first start, or a start after it was moved away). */
  readonly created: boolean;
  readonly retention: RetentionOptions;
  readonly synchronous: 'normal' | 'full';
  /** Runs the retention now; resolves with the executions dropped (the runtime does it every few seconds). */
  sweep(): Promise<number>;
}

/** Retention defaults: a week, as Redis keeps executions, and 100,000 executions (about 270 MB of disk for the seed flow: see the README). */
export const RETENTION_DEFAULTS: RetentionOptions = { maxAgeSeconds: 7 * 24 * 3600, maxExecutions: 100_000, maxLogsPerExecution: 10_000 };

/**
 * Every engine port on one SQLite file (better-sqlite3, write-ahead log), owned by this process:
 * the durable embedded runtime. Writes of one turn of the event loop share one transaction
 * (see {@link createGroupCommit}), so a webhook is acknowledged once its execution and job are
 * committed without each paying for a commit of its own. Events and the queue's dispatch run in
 * process; the queue's rows, the schedules' chains and everything stored survive a restart.
 * Opening refuses, with a coded error naming the file, what it cannot run on safely.
 */
export function createSqliteRuntime(options: SqliteRuntimeOptions): SqliteRuntime {
  const synchronous = options.synchronous ?? 'normal';
  const retention: RetentionOptions = { ...RETENTION_DEFAULTS, ...options.retention };
  const { db, file, created } = openDatabase({
    dir: options.dir, synchronous,
    ...(options.minFreeBytes === undefined ? {} : { minFreeBytes: options.minFreeBytes }),
    ...(options.onMigrate === undefined ? {} : { onMigrate: options.onMigrate }),
  });
  const report = options.onError ?? (() => undefined);
  const guard = createGuard('SQLite');
  const now = options.now ?? (() => new Date());
  const writes = createGroupCommit(db, { onError: (error, count) => report(error, `a transaction of ${count} writes failed`) });
  const sessions = createSessionRepository(db, writes, guard);
  const kv = createKvRepository(db, writes, guard);
  const sweeper = startRetention(db, writes, {
    ...retention, onError: report,
    alsoSweep: (at) => {
      sessions.sweep(at);
      kv.sweep(at);
    },
  });
  const events = createEventBus(guard);
  const logs = createLogRepository(db, writes, guard, retention.maxLogsPerExecution);
  const executions = createExecutionRepository(db, writes, guard, {
    logs,
    announce: (announced, saved) => events.announce(announced, saved),
    onInsert: () => sweeper.inserted(),
    onDelete: () => sweeper.deleted(),
  });
  const queue = createSqliteQueue(db, writes, guard, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.closeGraceMs === undefined ? {} : { closeGraceMs: options.closeGraceMs }),
    onError: report,
  });
  const schedules = createSqliteSchedules(db, writes, guard, { onError: report });
  const pingStmt = db.prepare('SELECT 1').pluck();

  return {
    name: 'sqlite',
    durable: true,
    file,
    created,
    retention,
    synchronous,
    flows: createFlowRepository(db, writes, guard, now),
    executions,
    logs,
    queue,
    events,
    schedules,
    sessions,
    kv,
    triggers: createTriggerStateRepository(db, writes, guard),
    concurrency: createConcurrencyRepository(db, writes, guard),
    sweep: () => sweeper.sweep(),
    async submit(execution) {
      guard.check();
      const row = executionRow(execution);
      // The execution and its job in one transaction: a job never exists without its execution.
      // A duplicate is queued all the same (see the port): a retried start must not be lost.
      const inserted = await writes.write(() => {
        const fresh = executions.insert(row);
        queue.insert(execution.id);
        return fresh;
      });
      queue.admit(execution.id);
      if (!inserted) throw engineErrors.RUNTIME_DUPLICATE_EXECUTION(execution.id);
      executions.inserted();
    },
    async ping() {
      reading(guard, 'answer a ping', () => pingStmt.get());
    },
    async close() {
      if (guard.closed) return;
      // Consumers first, while the store still answers the handlers finishing their work.
      await schedules.close(options.closeGraceMs);
      await queue.closeAll(options.closeGraceMs);
      sweeper.stop();
      guard.close();
      events.clear();
      await writes.flush();
      db.close();
    },
  };
}
