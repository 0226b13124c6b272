import { isFlowableTask } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { validateOutput } from '../plugins/index.js';
import { callWithSignal } from './call-plugin.js';
import { withKvAhead } from './kv-ahead.js';
import { loggerOf, messageOf, prepareCall, stateOnError, type TaskRunChange, type TaskRunScope } from './run-task.js';
import { endTaskRun } from './task-runs.js';

/**
 * Runs one attempt of a runnable task whose start (a RUNNING attempt) is stored: renders and
 * validates its props, calls the plugin under the task's `timeout`, validates the output, and
 * returns the task run ended with the attempt's log lines, for the caller to store together.
 * `timeout` runs from the start of rendering, so a slow render counts against it. A task that
 * throws ends FAILED (WARNING with `allowFailure`) with the error logged at ERROR. Rejects only
 * when the job's signal fires (the worker is shutting down), with its lines stored and no end
 * recorded: the task run stays RUNNING, to be resumed when the job is delivered again.
 */
export async function runAttempt(scope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun): Promise<TaskRunChange> {
  const startedAt = performance.now();
  const logger = loggerOf(scope, execution, task, taskRun);
  let state: StateType;
  let outputs: Readonly<Record<string, unknown>> = {};
  try {
    // Read now, at the attempt: a kv() value may have changed since the task run was planned.
    const call = prepareCall(await withKvAhead(scope, execution, task, taskRun), execution, task, taskRun, logger);
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
    state = stateOnError(task);
  }
  // The lines go with the end that follows them: both are stored by the next save, in one step.
  const logs = await logger.take();
  return { taskRun: endTaskRun(taskRun, state, outputs, scope.now()), logs };
}
