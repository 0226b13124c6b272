import type { TaskContext, TaskRunIds } from '@sluice/core';
import { createBaseContext, type MockContextControls, type MockContextOptions } from './base-context.js';

/**
 * Options of {@link createTaskContext}.
 * @public
 */
export interface TaskContextOptions extends MockContextOptions {
  /** Ids of the task run; each one omitted gets a fixed test value. */
  readonly ids?: Partial<TaskRunIds>;
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
 * unless you pass your own), and `ctx.abort()` fires `ctx.signal`.
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
  return Object.assign(createBaseContext({ ...options, variables }), { ids });
}
