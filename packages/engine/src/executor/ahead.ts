import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { mentionsKv, withKvAhead } from './kv-ahead.js';
import { mentionsReads, withReadAhead } from './read-ahead.js';
import type { TaskRunScope } from './run-task.js';

/**
 * `scope` with what `task`'s templates read from the stores, read now (see kv-ahead.ts and
 * read-ahead.ts); `scope` itself, at once and without a promise, for a task whose templates read
 * nothing there, as most do: such a task can then render and run without waiting for anything.
 */
export function withAhead(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun): TaskRunScope | Promise<TaskRunScope> {
  if (!mentionsKv(task) && !mentionsReads(task)) return scope;
  return withKvAhead(scope, execution, task, taskRun).then((kv) => withReadAhead(kv, execution, task, taskRun));
}
