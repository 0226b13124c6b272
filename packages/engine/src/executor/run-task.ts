import type { TaskContext } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { isTruthy, renderDeep, renderTemplate, type ExpressionFunctions } from '../expression/index.js';
import type { FlowRevision, FlowTask } from '../flow/flow.types.js';
import type { Execution, LogEntry, TaskRun } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { prepareProps, validateOutput, type PluginRegistry } from '../plugins/index.js';
import type { SecretReader } from '../secrets/index.js';
import { callWithSignal } from './call-plugin.js';
import { failedState } from './final-state.js';
import { runVariables } from './run-variables.js';
import { createTaskLogger, minLevelOf } from './task-logger.js';
import { endTaskRun, newTaskRun, startAttempt } from './task-runs.js';

/** Everything one task run needs from the executor. */
export interface TaskRunScope {
  readonly flow: FlowRevision;
  readonly task: FlowTask;
  readonly registry: PluginRegistry;
  readonly secrets: SecretReader;
  readonly now: () => Date;
  readonly jobSignal: AbortSignal;
  /** Stores log lines now: a task that logs more than a batch mid-run. */
  readonly appendLogs: (entries: readonly LogEntry[]) => Promise<void>;
  /** The execution with every change so far, saved or staged. */
  readonly execution: () => Execution;
  /** Saves the execution with `taskRun` in it, with every change staged before. */
  readonly commit: (taskRun: TaskRun) => Promise<void>;
  /**
   * Puts `taskRun` in the execution now, and `logs` with it; both are saved, in one step, with
   * the next commit or the execution's end.
   */
  readonly stage: (taskRun: TaskRun, logs?: readonly LogEntry[]) => void;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs one task: creates its task run (or resumes an unfinished one as a new attempt), renders
 * and validates its props, calls the plugin under its timeout, validates the output and records
 * the end state. A task that throws ends FAILED (WARNING with `allowFailure`) with the error
 * logged at ERROR; the executor goes on. Rejects only when the job's signal fires (the worker is
 * shutting down): the task run is left RUNNING, to be resumed when the job is delivered again.
 */
export async function runTask(scope: TaskRunScope, previous: TaskRun | undefined): Promise<StateType> {
  const { task, flow, now } = scope;
  const functions: ExpressionFunctions = { secret: (name) => scope.secrets.read(name), now };
  let taskRun = previous ?? newTaskRun(scope.execution(), task, now());

  if (task.runIf !== undefined && !previous) {
    const skip = await evaluateRunIf(scope, taskRun, functions);
    if (skip) return skip;
  }

  taskRun = startAttempt(taskRun, now());
  await scope.commit(taskRun);
  const execution = scope.execution();
  const logger = createTaskLogger({
    base: {
      tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id,
      taskId: task.id, taskRunId: taskRun.id, attemptNumber: taskRun.attempts.length,
    },
    now,
    ...(minLevelOf(task.logLevel) ? { minLevel: minLevelOf(task.logLevel) } : {}),
    mask: (text) => scope.secrets.mask(text),
    append: scope.appendLogs,
  });
  const variables = runVariables(flow, execution, task, taskRun);
  const render = (template: string, extra?: Readonly<Record<string, unknown>>) =>
    renderTemplate(template, extra ? { ...variables, ...extra } : variables, { functions });

  let state: StateType;
  let outputs: Readonly<Record<string, unknown>> = {};
  try {
    const entry = scope.registry.task(task.type);
    if (!entry) throw engineErrors.TASK_UNKNOWN_TYPE(task.id, task.type);
    const prepared = prepareProps(entry, task.props, (value) => renderDeep(value, variables, { functions }));
    if (!prepared.ok) throw engineErrors.TASK_PROPS_INVALID(task.id, prepared.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
    const output = await callWithSignal({
      taskId: task.id,
      ...(task.timeout === undefined ? {} : { timeout: task.timeout }),
      jobSignal: scope.jobSignal,
      call: (signal) => {
        const ctx: TaskContext = {
          ids: {
            tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, flowRevision: execution.flowRevision,
            executionId: execution.id, taskId: task.id, taskRunId: taskRun.id, attempt: taskRun.attempts.length,
          },
          logger,
          signal,
          secret: (name) => scope.secrets.read(name),
          render,
          test: (template, extra) => isTruthy(render(template, extra)),
        };
        return entry.definition.run(ctx, prepared.props);
      },
    });
    // A task without outputs may return nothing; Kestra stores `{}` for it.
    const result = output ?? {};
    const valid = validateOutput(entry, result);
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
    state = failedState(task);
  }
  // The lines go with the end that follows them: both are stored by the next save, in one step.
  const logs = await logger.take();
  scope.stage(endTaskRun(taskRun, state, outputs, now()), logs);
  return state;
}

// Kestra's `runIf`: a falsy result gives a SKIPPED task run; a failure to evaluate fails it.
async function evaluateRunIf(scope: TaskRunScope, taskRun: TaskRun, functions: ExpressionFunctions): Promise<StateType | undefined> {
  const { task, now } = scope;
  const variables = runVariables(scope.flow, scope.execution(), task, taskRun);
  try {
    if (isTruthy(renderTemplate(task.runIf ?? '', variables, { functions }))) return undefined;
    scope.stage(endTaskRun(taskRun, 'SKIPPED', {}, now()));
    return 'SKIPPED';
  } catch (error) {
    const execution = scope.execution();
    const line: LogEntry = {
      tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id,
      taskId: task.id, taskRunId: taskRun.id, timestamp: now().toISOString(), level: 'ERROR',
      message: scope.secrets.mask(`runIf of task '${task.id}' failed: ${messageOf(error)}`),
    };
    const state = failedState(task);
    scope.stage(endTaskRun(taskRun, state, {}, now()), [line]);
    return state;
  }
}
