import { isSluiceError, type FlowableExecution } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { createExecution } from '../execution/create-execution.js';
import { CORRELATION_ID_LABEL, SYSTEM_PREFIX } from '../execution/labels.js';
import type { FlowRevision, FlowTask } from '../flow/flow.types.js';
import type { Execution, ExecutionTrigger, Label, TaskRun, TaskRunChild } from '../model/execution.js';
import { derivedId } from '../model/ids.js';
import { isTerminated, withState, type StateType } from '../model/state.js';
import type { FlowRepository, Runtime } from '../ports/ports.js';
import { endWait } from './waits.js';

/**
 * How deep subflows may nest: an execution started by a Subflow of an execution started by a
 * Subflow ... A flow that calls itself (directly or through others) with `wait` would otherwise
 * start executions without end; past this, the Subflow task fails, naming the limit.
 */
export const MAX_SUBFLOW_DEPTH = 10;

/** The trigger type of executions a Subflow starts (Kestra's, whatever alias the parent used). */
export const SUBFLOW_TRIGGER_TYPE = 'io.kestra.plugin.core.flow.Subflow';

/** How deep `execution` is: 0 unless a Subflow started it (its trigger's `depth`). */
function depthOf(execution: Execution): number {
  const depth = execution.trigger?.type === SUBFLOW_TRIGGER_TYPE ? execution.trigger.variables['depth'] : undefined;
  return typeof depth === 'number' && Number.isInteger(depth) && depth > 0 ? depth : 0;
}

/**
 * The child a plan asks for, checked and made ready to store with the task run: its id derived
 * from the parent execution, its attempt number, the task run and the task run's attempts (a
 * restart, or a retry, plans the task run again under a new number, so it starts a new
 * execution, as Kestra's default `restartBehavior` and its retries do). Throws
 * `TASK_PLAN_INVALID` for a request that is not well formed, and `SUBFLOW_TOO_DEEP` past
 * {@link MAX_SUBFLOW_DEPTH}.
 */
export function childRecord(task: FlowTask, parent: Execution, taskRun: TaskRun, request: FlowableExecution): TaskRunChild {
  const text = (name: 'namespace' | 'flowId'): string => {
    const value = request[name];
    if (typeof value !== 'string' || value === '') throw engineErrors.TASK_PLAN_INVALID(task.id, `execution.${name} must be a non-empty string`);
    return value;
  };
  const namespace = text('namespace');
  const flowId = text('flowId');
  if (request.revision !== undefined && (!Number.isInteger(request.revision) || request.revision < 1)) {
    throw engineErrors.TASK_PLAN_INVALID(task.id, `execution.revision must be an integer of 1 or more, got ${String(request.revision)}`);
  }
  const labels = request.labels ?? [];
  if (!Array.isArray(labels) || labels.some((l) => typeof l?.key !== 'string' || typeof l?.value !== 'string')) {
    throw engineErrors.TASK_PLAN_INVALID(task.id, 'execution.labels must be a list of { key, value } strings');
  }
  const depth = depthOf(parent) + 1;
  if (depth > MAX_SUBFLOW_DEPTH) throw engineErrors.SUBFLOW_TOO_DEEP(task.id, `${namespace}.${flowId}`, MAX_SUBFLOW_DEPTH);
  return {
    executionId: derivedId('sluice-subflow', parent.tenantId, parent.id, taskRun.id, String(parent.metadata.attemptNumber), String(taskRun.attempts.length)),
    namespace,
    flowId,
    ...(request.revision === undefined ? {} : { revision: request.revision }),
    inputs: request.inputs ?? {},
    labels: [
      // Kestra's inheritLabels: the parent's own labels first (not its system ones), the request's after.
      ...(request.inheritLabels === true ? parent.labels.filter((label) => !label.key.startsWith(SYSTEM_PREFIX)) : []),
      ...labels.map(({ key, value }) => ({ key, value })),
    ],
    depth,
    wait: request.wait !== false,
    transmitFailed: request.transmitFailed !== false,
    ...(request.outputs === undefined ? {} : { outputs: request.outputs }),
  };
}

/** The state the Subflow task takes from its child's end, as Kestra's `ExecutableUtils.guessState`. */
export function subflowState(task: Pick<FlowTask, 'allowFailure' | 'allowWarning'>, child: StateType, transmitFailed: boolean): StateType {
  if (!transmitFailed) return 'SUCCESS';
  if (child === 'KILLED') return 'KILLED';
  const state = child === 'FAILED' ? (task.allowFailure ? 'WARNING' : 'FAILED') : child === 'WARNING' ? 'WARNING' : 'SUCCESS';
  return state === 'WARNING' && task.allowWarning ? 'SUCCESS' : state;
}

/** What starting or reading a child needs of the runtime. */
export interface ChildRuntime {
  readonly executions: Pick<Runtime['executions'], 'get'>;
  readonly flows: Pick<FlowRepository, 'get' | 'getRevision'>;
  /** Without it (a host that runs no queue), a child cannot start and the task fails. */
  readonly submit?: Runtime['submit'];
}

/** Renders templates against an ended execution of `flow` (the run's expression functions, secrets included). */
export type RenderAgainst = (templates: Readonly<Record<string, unknown>>, flow: FlowRevision, execution: Execution) => Record<string, unknown>;

/**
 * Where a child-waiting task run stands: `undefined` while its execution runs (its end queues the
 * parent again); else the task run ended (or, with more to run, going on), with the line to log
 * when the child could not start. Starts the child when it is not stored yet: the caller has
 * stored the task run with its request first, so a start repeated after a crash finds it.
 */
export async function settleChild(
  runtime: ChildRuntime, parent: Execution, task: FlowTask, taskRun: TaskRun, now: Date, render: RenderAgainst, retryAt: RetryAt,
): Promise<SettledChild | undefined> {
  const child = taskRun.wait?.child;
  if (!child) return undefined;
  const stored = await runtime.executions.get(child.executionId);
  if (stored === undefined) {
    const refused = await startChild(runtime, parent, task, taskRun, child, now);
    if (refused !== undefined) return failed(task, taskRun, { executionId: child.executionId }, now, retryAt, refused);
    return child.wait ? undefined : { taskRun: ended(taskRun, 'SUCCESS', { executionId: child.executionId }, now) };
  }
  if (!child.wait) return { taskRun: ended(taskRun, 'SUCCESS', { executionId: child.executionId }, now) };
  if (!isTerminated(stored.state.current)) return undefined;
  const base = { executionId: stored.id, state: stored.state.current };
  let outputs = stored.outputs ?? {};
  if (child.outputs !== undefined) {
    const key = { tenantId: stored.tenantId, namespace: stored.namespace, id: stored.flowId };
    const flow = await runtime.flows.getRevision(key, stored.flowRevision);
    try {
      if (!flow) throw new Error(`its flow ${stored.namespace}.${stored.flowId} revision ${stored.flowRevision} is gone`);
      outputs = render(child.outputs, flow, stored);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return failed(task, taskRun, base, now, retryAt, `the outputs of the subflow execution ${stored.id} failed to render: ${reason}`);
    }
  }
  if (child.transmitFailed && stored.state.current === 'FAILED') return failed(task, taskRun, { ...base, outputs }, now, retryAt);
  return { taskRun: ended(taskRun, subflowState(task, stored.state.current, child.transmitFailed), { ...base, outputs }, now) };
}

/** A child-waiting task run settled: ended, or waiting for a retry; `error` and `warning` are lines to log with it. */
export interface SettledChild {
  readonly taskRun: TaskRun;
  readonly error?: string;
  readonly warning?: string;
}

/**
 * When the next attempt of a task run whose attempt just failed starts, under the retry that
 * applies to it (its own, a flowable ancestor's or the flow's), or undefined when none is left.
 */
export type RetryAt = (failed: TaskRun) => Date | undefined;

function ended(taskRun: TaskRun, state: StateType, outputs: Readonly<Record<string, unknown>>, date: Date): TaskRun {
  return endWait({ ...taskRun, outputs: { ...taskRun.outputs, ...outputs } }, { state, date });
}

// A failure (the child FAILED, or could not start) is the task's: with a retry left, it waits
// RETRYING and its next attempt plans again, which starts a new execution (Kestra retries a
// Subflow so); else it ends FAILED, WARNING under allowFailure, as any task does.
function failed(task: FlowTask, taskRun: TaskRun, outputs: Readonly<Record<string, unknown>>, date: Date, retryAt: RetryAt, error?: string): SettledChild {
  const end = ended(taskRun, 'FAILED', outputs, date);
  const next = retryAt(end);
  if (next === undefined) {
    const final = subflowState(task, 'FAILED', true);
    return { taskRun: final === 'FAILED' ? end : ended(taskRun, final, outputs, date), ...(error === undefined ? {} : { error }) };
  }
  const { plan: _planned, ...rest } = end;
  return {
    taskRun: { ...rest, state: withState(end.state, 'RETRYING', date), retryAt: next.toISOString() },
    ...(error === undefined ? {} : { error }),
    warning: `attempt ${taskRun.attempts.length} of task '${task.id}' failed; the next attempt starts at ${next.toISOString()}`,
  };
}

/** Stores and queues the child; a sentence saying why it cannot start, or undefined once started (or found started). */
async function startChild(runtime: ChildRuntime, parent: Execution, task: FlowTask, taskRun: TaskRun, child: TaskRunChild, now: Date): Promise<string | undefined> {
  if (runtime.submit === undefined) return `the subflow ${child.namespace}.${child.flowId} cannot start: this host runs no queue`;
  const key = { tenantId: parent.tenantId, namespace: child.namespace, id: child.flowId };
  const flow: FlowRevision | undefined = child.revision === undefined ? await runtime.flows.get(key) : await runtime.flows.getRevision(key, child.revision);
  const name = `${child.namespace}.${child.flowId}`;
  if (!flow) return child.revision === undefined ? `the subflow ${name} does not exist` : `the subflow ${name} has no revision ${child.revision}`;
  if (flow.disabled) return `the subflow ${name} is disabled`;
  let execution: Execution;
  try {
    execution = createExecution({
      flow,
      id: child.executionId,
      trigger: childTrigger(parent, task, taskRun, child),
      inputs: child.inputs,
      labels: childLabels(parent, child.labels),
      from: 'trigger',
      now,
    });
  } catch (error) {
    if (!isSluiceError(error, 'EXECUTION_INPUTS_INVALID')) throw error;
    const errors = (error.details?.['errors'] ?? []) as readonly { path: string; message: string }[];
    return `the subflow ${name} refused its inputs: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
  }
  try {
    await runtime.submit(execution);
  } catch (error) {
    // Started by an earlier delivery that crashed before it stored the outcome.
    if (!isSluiceError(error, 'RUNTIME_DUPLICATE_EXECUTION')) throw error;
  }
  return undefined;
}

/** Kestra's trigger of a subflow execution, plus `depth` and `wait` (Sluice's). */
function childTrigger(parent: Execution, task: FlowTask, taskRun: TaskRun, child: TaskRunChild): ExecutionTrigger {
  return {
    id: task.id,
    type: SUBFLOW_TRIGGER_TYPE,
    variables: {
      executionId: parent.id,
      namespace: parent.namespace,
      flowId: parent.flowId,
      flowRevision: parent.flowRevision,
      taskRunId: taskRun.id,
      taskId: task.id,
      ...(taskRun.value === undefined ? {} : { taskRunValue: taskRun.value }),
      depth: child.depth,
      wait: child.wait,
    },
  };
}

// The parent's correlation id links the child to it, as Kestra does; the request's labels come after.
function childLabels(parent: Execution, labels: readonly Label[]): Label[] {
  const correlation = parent.labels.find((label) => label.key === CORRELATION_ID_LABEL)?.value ?? parent.id;
  return [...labels.filter((label) => !label.key.startsWith(SYSTEM_PREFIX)), { key: CORRELATION_ID_LABEL, value: correlation }];
}

/**
 * The id of the execution to queue again now that `execution` ended: its parent, when a Subflow
 * started it and waits for it. The parent reads the child's end itself (see {@link settleChild}).
 */
export function parentToWake(execution: Execution): string | undefined {
  const trigger = execution.trigger;
  if (trigger?.type !== SUBFLOW_TRIGGER_TYPE || trigger.variables['wait'] !== true) return undefined;
  const parent = trigger.variables['executionId'];
  return typeof parent === 'string' && parent !== '' ? parent : undefined;
}
