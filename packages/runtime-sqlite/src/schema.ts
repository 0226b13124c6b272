import type { Database } from 'better-sqlite3';
import { splitStoredExecutions } from './split-task-runs.js';

/**
 * The schema version this build writes, kept in SQLite's `user_version`. A file with a higher
 * version was written by a newer Sluice and is refused (a downgrade must not half-read it).
 * Add a step to {@link MIGRATIONS} and bump it for every change.
 */
export const SCHEMA_VERSION = 11;

/**
 * Step `i` takes the file from version `i` to `i + 1`: SQL, or a function for a step that
 * rewrites rows. JSON columns hold the port values as the ports define them; the other columns
 * are what a query filters or orders on.
 */
const MIGRATIONS: readonly (string | ((db: Database) => void))[] = [
  `
  CREATE TABLE flows (
    tenant_id TEXT NOT NULL, namespace TEXT NOT NULL, id TEXT NOT NULL, revision INTEGER NOT NULL,
    deleted INTEGER NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, namespace, id, revision)
  ) WITHOUT ROWID;
  CREATE TABLE executions (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    tenant_id TEXT NOT NULL, namespace TEXT NOT NULL, flow_id TEXT NOT NULL, state TEXT NOT NULL,
    created_ms INTEGER NOT NULL, terminated INTEGER NOT NULL,
    json TEXT NOT NULL
  );
  CREATE INDEX executions_search ON executions (tenant_id, created_ms DESC, seq DESC);
  CREATE INDEX executions_created ON executions (created_ms);
  CREATE TABLE logs (seq INTEGER PRIMARY KEY, execution_id TEXT NOT NULL, json TEXT NOT NULL);
  CREATE INDEX logs_execution ON logs (execution_id, seq);
  CREATE TABLE queue (execution_id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE) WITHOUT ROWID;
  CREATE TABLE schedules (id TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE schedule_tombstones (id TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // 2: the web UI's login sessions.
  `
  CREATE TABLE sessions (id TEXT PRIMARY KEY, json TEXT NOT NULL, idle_until INTEGER NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
  `,
  // 3: the key-value store of the kv.* tasks; expires_at is NULL for an entry that never expires.
  `
  CREATE TABLE kv (
    tenant_id TEXT NOT NULL, namespace TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, expires_at INTEGER,
    PRIMARY KEY (tenant_id, namespace, key)
  ) WITHOUT ROWID;
  CREATE INDEX kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL;
  `,
  // 4: jobs queued for a date (an execution waiting for a retry), moved into `queue` when due.
  // A table of their own: a due job may be queued while the same execution's job still runs,
  // and `queue` holds one row per execution.
  `
  CREATE TABLE queue_delayed (execution_id TEXT NOT NULL, due_ms INTEGER NOT NULL, PRIMARY KEY (execution_id, due_ms)) WITHOUT ROWID;
  `,
  // 5: poll and listen triggers' state and leases, and the API's disabled flag of any trigger.
  `
  CREATE TABLE trigger_states (
    tenant_id TEXT NOT NULL, namespace TEXT NOT NULL, flow_id TEXT NOT NULL, trigger_id TEXT NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, namespace, flow_id, trigger_id)
  ) WITHOUT ROWID;
  `,
  // 6: Flow triggers' windows of preconditions (what several executions met so far).
  `
  CREATE TABLE trigger_windows (
    tenant_id TEXT NOT NULL, namespace TEXT NOT NULL, flow_id TEXT NOT NULL, trigger_id TEXT NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (tenant_id, namespace, flow_id, trigger_id)
  ) WITHOUT ROWID;
  `,
  // 7: flow concurrency. A row per execution holding a slot (promoted_at: when it joined the line,
  // for a promotion its own job has not confirmed yet; NULL once confirmed), and the line, in
  // arrival order (seq), each entry with the limit of the revision it asked under.
  `
  CREATE TABLE concurrency_slots (
    tenant_id TEXT NOT NULL, namespace TEXT NOT NULL, flow_id TEXT NOT NULL, execution_id TEXT NOT NULL, promoted_at INTEGER,
    PRIMARY KEY (tenant_id, namespace, flow_id, execution_id)
  ) WITHOUT ROWID;
  CREATE TABLE concurrency_queue (
    seq INTEGER PRIMARY KEY,
    tenant_id TEXT NOT NULL, namespace TEXT NOT NULL, flow_id TEXT NOT NULL, execution_id TEXT NOT NULL,
    lim INTEGER NOT NULL, queued_at INTEGER NOT NULL,
    UNIQUE (tenant_id, namespace, flow_id, execution_id)
  );
  CREATE INDEX concurrency_queue_order ON concurrency_queue (tenant_id, namespace, flow_id, seq);
  `,
  // 8: task runs apart from their execution, one row each, so a save writes the task runs it
  // changed rather than the whole execution (issue 17); `executions.json` holds the head (the
  // execution with an empty `taskRunList`). Rows stored before are split here.
  (db) => {
    db.exec(`
    CREATE TABLE task_runs (
      execution_id TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
      PRIMARY KEY (execution_id, id)
    ) WITHOUT ROWID;
    `);
    splitStoredExecutions(db);
  },
  // 9: fewer pages written per save (issue 17: the ten-task flow on SQLite). A task run row gets
  // a rowid, so the rows a commit adds are appended together; keyed by (execution, id) with its
  // JSON inline, each execution's rows landed in pages of their own (random: ids are), two or
  // three pages per execution per commit. The key stays, as a unique index. A `logs` row holds
  // the lines one write stored for one execution, `lines` of them as a JSON array: one row and
  // one index entry per save instead of per line. Its `seq` is the number of its last line, so
  // the numbers still count lines (see log-repository.ts).
  `
  CREATE TABLE task_runs_9 (
    seq INTEGER PRIMARY KEY,
    execution_id TEXT NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
    UNIQUE (execution_id, id)
  );
  INSERT INTO task_runs_9 (execution_id, position, id, json) SELECT execution_id, position, id, json FROM task_runs ORDER BY execution_id, position;
  DROP TABLE task_runs;
  ALTER TABLE task_runs_9 RENAME TO task_runs;
  CREATE TABLE logs_9 (seq INTEGER PRIMARY KEY, execution_id TEXT NOT NULL, lines INTEGER NOT NULL, json TEXT NOT NULL);
  INSERT INTO logs_9 (seq, execution_id, lines, json) SELECT seq, execution_id, 1, '[' || json || ']' FROM logs;
  DROP TABLE logs;
  ALTER TABLE logs_9 RENAME TO logs;
  CREATE INDEX logs_execution ON logs (execution_id, seq);
  `,
  // 10: task runs keyed by their execution's `seq` instead of its id (issue 17: the ten-task flow
  // on SQLite). Execution ids are random, so every new task run's entry in the (execution, id)
  // index landed on a page of its own, far from the last commit's: with 20,000 executions stored,
  // ten task runs cost 105-115 µs of CPU per execution against 48 keyed by an increasing number
  // (the entries of new executions are appended together). Task runs of executions no longer
  // stored are left behind.
  `
  CREATE TABLE task_runs_10 (
    seq INTEGER PRIMARY KEY,
    execution_seq INTEGER NOT NULL, position INTEGER NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
    UNIQUE (execution_seq, id)
  );
  INSERT INTO task_runs_10 (execution_seq, position, id, json)
    SELECT e.seq, t.position, t.id, t.json FROM task_runs t JOIN executions e ON e.id = t.execution_id ORDER BY e.seq, t.position;
  DROP TABLE task_runs;
  ALTER TABLE task_runs_10 RENAME TO task_runs;
  `,
  // 11: an execution whose save wrote every one of its task runs keeps them in its own row
  // (`runs_inline` 1: `json` is the whole execution, and `task_runs` holds no row of it), one row
  // written instead of one per task run and its index entry (issue 17: a flow of side-effect-free
  // tasks is saved once, at its end, with all its task runs). A later save naming only some moves
  // them to `task_runs`. Rows stored before hold their task runs apart: 0.
  `
  ALTER TABLE executions ADD COLUMN runs_inline INTEGER NOT NULL DEFAULT 0;
  `,
];

/**
 * Brings `db` up to {@link SCHEMA_VERSION}, in one transaction. The caller has refused newer
 * files. `before` is told first when a file that holds data (any version but 0, a new file) is
 * upgraded: a step may rewrite every row (8 splits every execution), which takes a while on a
 * large file and holds the start meanwhile.
 */
export function migrate(db: Database, from: number, before?: (from: number, to: number) => void): void {
  if (from >= SCHEMA_VERSION) return;
  if (from > 0) before?.(from, SCHEMA_VERSION);
  db.transaction(() => {
    for (let v = from; v < SCHEMA_VERSION; v++) {
      const step = MIGRATIONS[v];
      if (typeof step === 'function') step(db);
      else db.exec(step as string);
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
