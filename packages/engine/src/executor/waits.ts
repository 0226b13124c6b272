import type { AnyFlowableTask, FlowableWait } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { parseIsoDuration } from '../execution/iso-duration.js';
import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun, TaskRunWait } from '../model/execution.js';
import { withState, type StateType } from '../model/state.js';
import { failedState } from './final-state.js';
import { endTaskRun } from './task-runs.js';

const ON_DURATION = new Set(['SUCCESS', 'WARNING', 'FAILED', 'CANCELLED']);

/**
 * The wait a flowable's plan asked for, as stored with its task run: `until` is the earlier of
 * the wait's duration and the task's `timeout`, both from `start`. At the duration the task
 * takes `onDuration` (FAILED made WARNING under `allowFailure`); at the timeout it fails, as
 * Kestra's Pause does (Kestra lets a duration win over a shorter timeout; here the earlier wins,
 * so a `timeout` always bounds its task). Throws `TASK_PLAN_INVALID` for a wait the task may not
 * make or a duration that is not a number of milliseconds.
 */
export function waitRecord(task: FlowTask, definition: AnyFlowableTask, wait: FlowableWait, start: Date, endsTask: boolean): TaskRunWait {
  if (definition.waits !== true) throw engineErrors.TASK_PLAN_INVALID(task.id, 'it returned a wait or an execution, but its definition does not declare waits: true');
  const duration = wait.durationMs;
  if (duration !== undefined && (typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0)) {
    throw engineErrors.TASK_PLAN_INVALID(task.id, `wait.durationMs must be a number of milliseconds of 0 or more, got ${String(duration)}`);
  }
  const onDuration = wait.onDuration ?? 'SUCCESS';
  if (!ON_DURATION.has(onDuration)) throw engineErrors.TASK_PLAN_INVALID(task.id, `wait.onDuration must be one of ${[...ON_DURATION].join(', ')}`);
  const timeout = task.timeout === undefined ? undefined : parseIsoDuration(task.timeout);
  const byDuration = duration !== undefined && (timeout === undefined || duration <= timeout);
  const ms = byDuration ? duration : timeout;
  const onUntil: StateType = !byDuration || onDuration === 'FAILED' ? failedState(task) : onDuration;
  return {
    ...(ms === undefined ? {} : { until: new Date(start.getTime() + ms).toISOString() }),
    onUntil,
    ...(!byDuration && ms !== undefined && task.timeout !== undefined ? { timeout: task.timeout } : {}),
    pause: wait.pause === true,
    endsTask,
    ...(wait.pause === true && wait.inputs !== undefined && wait.inputs.length > 0 ? { inputs: wait.inputs } : {}),
  };
}

/** Who ended a wait, and how: the outputs a pause keeps of it (Kestra's `Pause.Resumed`). */
export interface WaitEnd {
  /** The state the task takes. */
  readonly state: StateType;
  readonly date: Date;
  /** A resume's validated inputs: the output `onResume`. Absent when time ended the wait. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Who resumed it, when known. */
  readonly by?: string;
}

/**
 * `taskRun` once its wait ended in `end.state`. A task with nothing to run after its wait (no
 * branch, errors or finally) ends in that state at once; another goes RUNNING with the state kept
 * in its plan (`own`), and its branches run (none when it is FAILED: then its errors). A pause
 * keeps `resumed: { by, on, to }` and, after a resume, `onResume` (the inputs) as its outputs.
 */
export function endWait(taskRun: TaskRun, end: WaitEnd): TaskRun {
  const { wait, ...rest } = taskRun;
  if (!wait) return taskRun;
  const outputs = wait.pause
    ? { ...taskRun.outputs, ...(end.inputs === undefined ? {} : { onResume: end.inputs }), resumed: { ...(end.by === undefined ? {} : { by: end.by }), on: end.date.toISOString(), to: end.state } }
    : taskRun.outputs;
  if (wait.endsTask || end.state === 'CANCELLED') return endTaskRun({ ...rest, outputs }, end.state, outputs, end.date);
  const plan = rest.plan ?? { branches: [], concurrency: 1, allowFailure: false };
  return { ...rest, outputs, plan: { ...plan, own: end.state }, state: withState(rest.state, 'RUNNING', end.date) };
}

/** True when `taskRun` waits for a resume through the API (a pause, not a sleep). */
export function isPaused(taskRun: TaskRun): boolean {
  return taskRun.wait?.pause === true && taskRun.state.current === 'PAUSED';
}
