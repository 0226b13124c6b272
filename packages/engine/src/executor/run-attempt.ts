import { isFlowableTask } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { validateOutput, type RegisteredTask } from '../plugins/index.js';
import { withAhead } from './ahead.js';
import { callPlugin, isThenable } from './call-plugin.js';
import { attemptEnd, type AttemptOutcome, type RetryPolicy } from './retry-policy.js';
import { loggerOf, messageOf, prepareCall, type TaskRunChange, type TaskRunScope } from './run-task.js';
import type { TaskLogger } from './task-logger.js';
import { endTaskRun, retryTaskRun } from './task-runs.js';

/**
 * Runs one attempt of a runnable task whose start (a RUNNING attempt) is stored: renders and
 * validates its props, calls the plugin under the task's `timeout`, validates the output, and
 * returns the task run ended with the attempt's log lines, for the caller to store together.
 * `timeout` runs from the start of rendering, so a slow render counts against it, and it bounds
 * one attempt, not the retries. A task that throws has the error logged at ERROR and, with a
 * `retry` left (`policy`), waits RETRYING for its next attempt; otherwise it ends FAILED
 * (WARNING with `allowFailure`): see {@link attemptEnd}. Answers without a promise when nothing
 * waits (see below). Rejects only
 * when the job's signal fires (the worker is shutting down), with its lines stored and no end
 * recorded: the task run stays RUNNING, to be resumed when the job is delivered again.
 */
export function runAttempt(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun, policy?: RetryPolicy): TaskRunChange | Promise<TaskRunChange> {
  const startedAt = performance.now();
  const definition = scope.registry.task(task.type)?.definition;
  const sideEffectFree = definition !== undefined && !isFlowableTask(definition) && definition.sideEffectFree === true;
  const logger = loggerOf(scope, execution, task, taskRun, sideEffectFree);
  // A task whose templates read no store, and whose plugin answers at once (a Log), is rendered,
  // run and ended here without a promise: most tasks of most flows. Anything that waits (a read
  // ahead, a plugin's promise, a background flush of lines) makes the answer a promise.
  let output: unknown;
  try {
    // Read now, at the attempt: a kv() value may have changed since the task run was planned.
    const ahead = withAhead(scope, execution, task, taskRun);
    output = isThenable(ahead)
      ? Promise.resolve(ahead).then((read) => callTask(read, execution, task, taskRun, logger, startedAt))
      : callTask(ahead, execution, task, taskRun, logger, startedAt);
  } catch (error) {
    return failed(scope, task, taskRun, policy, logger, error);
  }
  if (!isThenable(output)) return succeeded(scope, task, taskRun, policy, logger, output);
  return Promise.resolve(output).then(
    (result) => succeeded(scope, task, taskRun, policy, logger, result),
    (error: unknown) => failed(scope, task, taskRun, policy, logger, error),
  );
}

/** Renders and validates the task's props and calls its plugin: its output, or a promise of it. */
function callTask(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun, logger: TaskLogger, startedAt: number): unknown {
  const call = prepareCall(scope, execution, task, taskRun, logger);
  const definition = call.entry.definition;
  if (isFlowableTask(definition)) throw engineErrors.TASK_UNKNOWN_TYPE(task.id, task.type);
  return callPlugin({
    taskId: task.id,
    // One literal of one shape for every task: a spread of an optional part cost one per call.
    timeout: task.timeout,
    startedAt,
    jobSignal: scope.jobSignal,
    call: (signal) => definition.run(call.context(signal), call.props),
  });
}

/** The attempt's end once its plugin answered `output`: SUCCESS, or FAILED when the output is not what the plugin declares. */
function succeeded(scope: TaskRunScope, task: FlowTask, taskRun: TaskRun, policy: RetryPolicy | undefined, logger: TaskLogger, output: unknown): TaskRunChange | Promise<TaskRunChange> {
  // A task without outputs may return nothing; Kestra stores `{}` for it.
  const result = output ?? {};
  // The plugin ran, so callTask found its entry.
  const valid = validateOutput(scope.registry.task(task.type) as RegisteredTask, result);
  if (!valid.ok) return failed(scope, task, taskRun, policy, logger, engineErrors.TASK_OUTPUT_INVALID(task.id, valid.message));
  return ended(scope, task, taskRun, policy, logger, 'SUCCESS', result as Record<string, unknown>);
}

/**
 * The attempt's end after `error`: logged at ERROR, then FAILED or RETRYING. When the job's
 * signal fired (the worker is shutting down), rejects instead with its reason, having stored
 * what was logged, and records no end.
 */
function failed(scope: TaskRunScope, task: FlowTask, taskRun: TaskRun, policy: RetryPolicy | undefined, logger: TaskLogger, error: unknown): TaskRunChange | Promise<TaskRunChange> {
  if (scope.jobSignal.aborted) return logger.flush().then(() => Promise.reject(scope.jobSignal.reason as Error));
  logger.error(messageOf(error));
  return ended(scope, task, taskRun, policy, logger, 'FAILED', {});
}

function ended(scope: TaskRunScope, task: FlowTask, taskRun: TaskRun, policy: RetryPolicy | undefined, logger: TaskLogger, state: AttemptOutcome, outputs: Readonly<Record<string, unknown>>): TaskRunChange | Promise<TaskRunChange> {
  const now = scope.now();
  const endedRun = endTaskRun(taskRun, state, outputs, now);
  const end = attemptEnd(task, policy, endedRun.attempts, state, scope.random ?? Math.random);
  if (end.retryAt !== undefined) logger.warn(`attempt ${taskRun.attempts.length} of task '${task.id}' failed; the next attempt starts at ${end.retryAt.toISOString()}`);
  // Most attempts end in the state they ran to: the run ended above is then the one to store.
  const settled = end.retryAt !== undefined ? retryTaskRun(taskRun, end.retryAt, now) : end.state === state ? endedRun : endTaskRun(taskRun, end.state, outputs, now, state);
  // The lines go with the end that follows them: both are stored by the next save, in one step.
  const logs = logger.takeNow();
  if (logs !== undefined) return { taskRun: settled, logs };
  return logger.take().then((taken) => ({ taskRun: settled, logs: taken }));
}
