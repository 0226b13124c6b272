import { isFlowableTask } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import { validateOutput } from '../plugins/index.js';
import { callWithSignal } from './call-plugin.js';
import { withKvAhead } from './kv-ahead.js';
import { withReadAhead } from './read-ahead.js';
import { attemptEnd, type AttemptOutcome, type RetryPolicy } from './retry-policy.js';
import { loggerOf, messageOf, prepareCall, type TaskRunChange, type TaskRunScope } from './run-task.js';
import { endTaskRun, retryTaskRun } from './task-runs.js';

/**
 * Runs one attempt of a runnable task whose start (a RUNNING attempt) is stored: renders and
 * validates its props, calls the plugin under the task's `timeout`, validates the output, and
 * returns the task run ended with the attempt's log lines, for the caller to store together.
 * `timeout` runs from the start of rendering, so a slow render counts against it, and it bounds
 * one attempt, not the retries. A task that throws has the error logged at ERROR and, with a
 * `retry` left (`policy`), waits RETRYING for its next attempt; otherwise it ends FAILED
 * (WARNING with `allowFailure`): see {@link attemptEnd}. Rejects only
 * when the job's signal fires (the worker is shutting down), with its lines stored and no end
 * recorded: the task run stays RUNNING, to be resumed when the job is delivered again.
 */
export async function runAttempt(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun, policy?: RetryPolicy): Promise<TaskRunChange> {
  const startedAt = performance.now();
  const definition = scope.registry.task(task.type)?.definition;
  const sideEffectFree = definition !== undefined && !isFlowableTask(definition) && definition.sideEffectFree === true;
  const logger = loggerOf(scope, execution, task, taskRun, sideEffectFree);
  let state: AttemptOutcome;
  let outputs: Readonly<Record<string, unknown>> = {};
  try {
    // Read now, at the attempt: a kv() value may have changed since the task run was planned.
    const ahead = await withReadAhead(await withKvAhead(scope, execution, task, taskRun), execution, task, taskRun);
    const call = prepareCall(ahead, execution, task, taskRun, logger);
    const definition = call.entry.definition;
    if (isFlowableTask(definition)) throw engineErrors.TASK_UNKNOWN_TYPE(task.id, task.type);
    const output = await callWithSignal({
      taskId: task.id,
      ...(task.timeout === undefined ? {} : { timeout: task.timeout }),
      startedAt,
      jobSignal: scope.jobSignal,
      call: (signal) => definition.run(call.context(signal), call.props),
    });
    // A task without outputs may return nothing; Kestra stores `{}` for it.
    const result = output ?? {};
    const valid = validateOutput(call.entry, result);
    if (!valid.ok) throw engineErrors.TASK_OUTPUT_INVALID(task.id, valid.message);
    outputs = result as Record<string, unknown>;
    state = 'SUCCESS';
  } catch (error) {
    if (scope.jobSignal.aborted) {
      // Shutting down: keep what was logged, record no end, let the job be delivered again.
      await logger.flush();
      throw scope.jobSignal.reason;
    }
    logger.error(messageOf(error));
    state = 'FAILED';
  }
  const now = scope.now();
  const ended = endTaskRun(taskRun, state, outputs, now);
  const end = attemptEnd(task, policy, ended.attempts, state, scope.random ?? Math.random);
  if (end.retryAt !== undefined) logger.warn(`attempt ${taskRun.attempts.length} of task '${task.id}' failed; the next attempt starts at ${end.retryAt.toISOString()}`);
  // The lines go with the end that follows them: both are stored by the next save, in one step.
  const logs = await logger.take();
  // Most attempts end in the state they ran to: the run ended above is then the one to store.
  const settled = end.retryAt !== undefined ? retryTaskRun(taskRun, end.retryAt, now) : end.state === state ? ended : endTaskRun(taskRun, end.state, outputs, now, state);
  return { taskRun: settled, logs };
}
