import type { KvAccess, TaskContext, TaskRunIds, TaskStorage } from '@sluice/core';
import { createKvAccess, createMemoryStorage, createTaskStorage } from '@sluice/engine';
import { createGuard, createKvStore } from '@sluice/runtime-memory/in-process';
import { createBaseContext, type MockContextControls, type MockContextOptions } from './base-context.js';

/**
 * Options of {@link createTaskContext}.
 * @public
 */
export interface TaskContextOptions extends MockContextOptions {
  /** Ids of the task run; each one omitted gets a fixed test value. */
  readonly ids?: Partial<TaskRunIds>;
  /**
   * The key-value store `ctx.kv` reads and writes; a fresh one in memory, with the host's checks
   * of keys and sizes, when omitted. Pass one from {@link createTestKv} to share it between calls.
   */
  readonly kv?: KvAccess;
  /**
   * Internal storage `ctx.storage` writes to and reads from; a fresh one in memory for this task
   * run, with the host's checks of names and URIs, when omitted.
   */
  readonly storage?: TaskStorage;
}

/**
 * A key-value store in memory for `ctx.kv`, checked as the host checks it (keys, namespaces,
 * sizes), for tenant `main`.
 * @public
 */
export function createTestKv(): KvAccess {
  return createKvAccess(createKvStore(createGuard('test key-value store')), 'main');
}

/**
 * A {@link TaskContext} for unit tests, with what a test needs to look inside.
 * @public
 */
export type MockTaskContext = TaskContext & MockContextControls;

/** Fixed ids, so assertions on them stay stable across runs. */
const DEFAULT_TASK_IDS: TaskRunIds = {
  tenantId: 'main',
  namespace: 'company.team',
  flowId: 'test_flow',
  flowRevision: 1,
  executionId: '0000000000000000000001',
  taskId: 'test_task',
  taskRunId: '0000000000000000000002',
  attempt: 1,
};

/**
 * Makes a task context for calling a task's `run` directly. Logs are recorded in `ctx.logs`,
 * `secret()` reads `options.secrets`, `render()` and `test()` use the engine's expression
 * language with `options.variables` (plus `flow`, `task` and `execution` built from the ids
 * unless you pass your own), `ctx.kv` is a key-value store in memory, `ctx.storage` internal storage in memory, and `ctx.abort()` fires
 * `ctx.signal`.
 *
 * @example
 * ```ts
 * const ctx = createTaskContext({ secrets: { TOKEN: 's3cret' } });
 * await myTask.run(ctx, { message: 'hi' });
 * expect(ctx.logs).toEqual([{ level: 'INFO', message: 'hi' }]);
 * ```
 * @public
 */
export function createTaskContext(options: TaskContextOptions = {}): MockTaskContext {
  const ids: TaskRunIds = { ...DEFAULT_TASK_IDS, ...options.ids };
  const variables = {
    flow: { id: ids.flowId, namespace: ids.namespace, revision: ids.flowRevision, tenantId: ids.tenantId },
    execution: { id: ids.executionId },
    task: { id: ids.taskId },
    // Kestra counts the attempts made before this one.
    taskrun: { id: ids.taskRunId, attemptsCount: Math.max(0, ids.attempt - 1) },
    ...options.variables,
  };
  const storage = options.storage ?? createTaskStorage(createMemoryStorage(), ids);
  return Object.assign(createBaseContext({ ...options, variables }), { ids, kv: options.kv ?? createTestKv(), storage });
}
