import type { LogLevel } from '@sluice/core';
import type { State, StateType } from './state.js';

/** A label as Kestra lists them on executions. */
export interface Label {
  readonly key: string;
  readonly value: string;
}

/** What started an execution: `execution.trigger`, read by flows as `trigger.*`. */
export interface ExecutionTrigger {
  /** The trigger's id in the flow. */
  readonly id: string;
  /** The trigger's type string. */
  readonly type: string;
  /** The variables the trigger produced (a webhook: body, headers, parameters). */
  readonly variables: Readonly<Record<string, unknown>>;
}

/** One attempt of a task run. */
export interface TaskRunAttempt {
  readonly state: State;
}

/** One run of one task in an execution. Field names follow Kestra's TaskRun JSON. */
export interface TaskRun {
  readonly tenantId: string;
  readonly id: string;
  readonly executionId: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly taskId: string;
  readonly parentTaskRunId?: string;
  readonly value?: string;
  readonly attempts: readonly TaskRunAttempt[];
  /** The task's output; Kestra always serializes it, `{}` when the task has none. */
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly state: State;
  readonly iteration?: number;
  /**
   * A flowable task run's plan, stored when it starts so it is decided once: the executor runs
   * its children from it. Internal: the API's task run JSON (Kestra's shape) leaves it out.
   */
  readonly plan?: TaskRunPlan;
  /**
   * While the task run is RETRYING: when its next attempt may start (ISO-8601), decided once as
   * its last attempt failed (a `random` retry draws it). Internal, like `plan`.
   */
  readonly retryAt?: string;
  /**
   * While a waiting flowable task (Pause, Sleep) waits: how and until when. Removed when the wait
   * ends (by time or by a resume). Internal, like `plan`.
   */
  readonly wait?: TaskRunWait;
}

/** A task run's pending wait (see `FlowableWait` in `@sluice/core`). */
export interface TaskRunWait {
  /** When the wait ends on its own (ISO-8601); absent: only a resume ends it. */
  readonly until?: string;
  /** The state the task takes at `until` (its duration's outcome, or its timeout's failure). */
  readonly onUntil: StateType;
  /** The task's `timeout` when it, not the wait's duration, set `until`: its end is then logged as a timeout. */
  readonly timeout?: string;
  /** A pause: the execution shows PAUSED, and the API may resume it. */
  readonly pause: boolean;
  /** True when the task has nothing to run after its wait (no branch, errors or finally): the wait's end ends it. */
  readonly endsTask: boolean;
  /** The input declarations a resume takes (Kestra's `onResume`), as written. */
  readonly inputs?: readonly Readonly<Record<string, unknown>>[];
  /** An execution of another flow the task starts (a Subflow): the wait ends with it, or at once without `wait`. */
  readonly child?: TaskRunChild;
}

/**
 * The execution a flowable task starts (see `FlowableExecution` in `@sluice/core`), stored
 * before it is started: `executionId` is derived from the task run, so a start repeated after a
 * crash finds it stored.
 */
export interface TaskRunChild {
  readonly executionId: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly revision?: number;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly labels: readonly Label[];
  /** How deep it is: 1 for a child of an execution no Subflow started. */
  readonly depth: number;
  readonly wait: boolean;
  readonly transmitFailed: boolean;
  /** Templates rendered against the ended execution for the task's output `outputs` (Kestra's deprecated Subflow `outputs`). */
  readonly outputs?: Readonly<Record<string, unknown>>;
}

/** One branch of a {@link TaskRunPlan}: child task ids run in order, with their `value`. */
export interface TaskRunBranch {
  /** The iteration value the branch's task runs carry; absent: the flowable's own value. */
  readonly value?: string;
  readonly taskIds: readonly string[];
  /** Task ids of other branches that must have ended before this one starts (a Dag's `dependsOn`). */
  readonly after?: readonly string[];
}

/** What a flowable task decided when its task run started (see `FlowablePlan` in `@sluice/core`). */
export interface TaskRunPlan {
  readonly branches: readonly TaskRunBranch[];
  /** Branches run at once; 0: all. */
  readonly concurrency: number;
  /** A failure of the children ends the flowable in WARNING rather than FAILED. */
  readonly allowFailure: boolean;
  /**
   * The state the flowable's own wait ended in (a Pause that timed out: FAILED; one resumed:
   * SUCCESS), counted with its children's: FAILED runs no branch, only its errors and finally.
   */
  readonly own?: StateType;
  /** True when the plan started an execution (a Subflow): a restart plans the task run anew, which starts a new one. */
  readonly startsExecution?: boolean;
}

export interface ExecutionMetadata {
  readonly attemptNumber: number;
  readonly originalCreatedDate: string;
}

/** An execution as stored. Field names follow Kestra's Execution JSON (1.x). */
export interface Execution {
  readonly tenantId: string;
  readonly id: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly flowRevision: number;
  readonly taskRunList: readonly TaskRun[];
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Flow-level outputs, set when the execution ends. */
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly labels: readonly Label[];
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly state: State;
  readonly trigger?: ExecutionTrigger;
  readonly metadata: ExecutionMetadata;
  /** The execution a replay was made from (the first of its line), as Kestra's `originalId`. */
  readonly originalId?: string;
}

/** One log line of an execution. Field names follow Kestra's LogEntry JSON. */
export interface LogEntry {
  readonly tenantId: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly executionId: string;
  readonly taskId?: string;
  readonly taskRunId?: string;
  readonly attemptNumber?: number;
  readonly triggerId?: string;
  readonly timestamp: string;
  readonly level: LogLevel;
  readonly message: string;
}

/** A change of an execution's state, published for `wait: true` callers and followers. */
export interface ExecutionEvent {
  readonly executionId: string;
  readonly state: StateType;
  /** True when `state` is final: no further event follows for this execution. */
  readonly terminated: boolean;
  /**
   * The execution as saved with this event, when the runtime sends it along: only on a terminal
   * event announced by a save (see `ExecutionRepository.save`), and the BullMQ runtime leaves it
   * out past a size. A listener that has it need not read the execution back.
   */
  readonly execution?: Execution;
}
