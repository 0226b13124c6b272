import type { Label } from '../model/execution.js';

/**
 * A flow's task as the engine holds it after parsing: the envelope every task shares, and the
 * plugin's own props apart. `type` is always the canonical type (an alias is resolved).
 */
export interface FlowTask {
  readonly id: string;
  readonly type: string;
  readonly description?: string;
  readonly disabled: boolean;
  readonly allowFailure: boolean;
  readonly allowWarning: boolean;
  /** ISO-8601 duration, e.g. `PT30S`; the task is aborted past it. */
  readonly timeout?: string;
  /** Kestra's retry object, kept as written (validated by the flow schema). */
  readonly retry?: Readonly<Record<string, unknown>>;
  readonly logLevel?: string;
  /** Kestra's `runIf` (2.0: `when`): the task runs only when it renders truthy. */
  readonly runIf?: string;
  /** Kestra's worker group (`{ key, fallback }`), kept as written; Sluice has one pool of workers. */
  readonly workerGroup?: Readonly<Record<string, unknown>>;
  /** Kestra's `logToFile`, kept as written; Sluice always stores logs as entries. */
  readonly logToFile?: boolean;
  /**
   * The plugin's own props, as written in YAML (not rendered). In a flowable task's props, each
   * list of tasks (a field its schema marks with `Tasks()`) holds built {@link FlowTask}s.
   */
  readonly props: Readonly<Record<string, unknown>>;
  /** A flowable task's own `errors`: run, in order, when one of its children failed. */
  readonly errors?: readonly FlowTask[];
  /** A flowable task's own `finally`: run, in order, once its children (and errors) ended. */
  readonly finally?: readonly FlowTask[];
}

/** A flow's trigger: the envelope apart from the plugin's own props. */
export interface FlowTrigger {
  readonly id: string;
  readonly type: string;
  readonly description?: string;
  readonly disabled: boolean;
  /** Labels the trigger adds to the executions it starts. */
  readonly labels: readonly Label[];
  /** Minimum level of the logs of the executions it starts (`logLevel`, or its alias `minLogLevel`). */
  readonly logLevel?: string;
  /** Kestra's worker group (`{ key, fallback }`), kept as written. */
  readonly workerGroup?: Readonly<Record<string, unknown>>;
  /** States after which the trigger disables itself (Kestra's `stopAfter`). */
  readonly stopAfter?: readonly string[];
  /** Kestra's `logToFile`, kept as written. */
  readonly logToFile?: boolean;
  /** The plugin's own props, as written in YAML (not rendered). */
  readonly props: Readonly<Record<string, unknown>>;
}

/** A declared flow input (`inputs:`), Kestra's model. */
export interface FlowInput {
  readonly id: string;
  readonly type: string;
  readonly description?: string;
  readonly required: boolean;
  readonly defaults?: unknown;
  readonly displayName?: string;
  /** Type-specific fields (`values` of ENUM/SELECT, `min`, `max`, ...), as written. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** A flow output (`outputs:`): `value` is a template rendered when the execution ends. */
export interface FlowOutput {
  readonly id: string;
  readonly type: string;
  readonly value: unknown;
  readonly description?: string;
}

/** Kestra's flow `concurrency`: how many executions of the flow may run at once, and what happens to one more. */
export interface FlowConcurrency {
  /** At least 1. */
  readonly limit: number;
  /** QUEUE (Kestra's default): it waits QUEUED for a slot; CANCEL: it ends CANCELLED; FAIL: it ends FAILED. */
  readonly behavior: 'QUEUE' | 'CANCEL' | 'FAIL';
}

/** A parsed, validated flow. */
export interface Flow {
  readonly tenantId: string;
  readonly id: string;
  readonly namespace: string;
  readonly description?: string;
  readonly labels: readonly Label[];
  readonly inputs: readonly FlowInput[];
  readonly variables: Readonly<Record<string, unknown>>;
  readonly outputs: readonly FlowOutput[];
  readonly tasks: readonly FlowTask[];
  /** Run, in order, when a task failed; the execution still ends FAILED. */
  readonly errors?: readonly FlowTask[];
  /** Run, in order, once the tasks (and errors) ended, whatever their outcome. */
  readonly finally?: readonly FlowTask[];
  readonly triggers: readonly FlowTrigger[];
  readonly disabled: boolean;
  /** At most this many executions started and not ended at once (see executor/concurrency.ts). */
  readonly concurrency?: FlowConcurrency;
  /** Top-level keys the engine keeps but does not act on yet (`errors`, `finally`, `concurrency`, ...). */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** A stored revision of a flow: the parsed flow, its YAML source and revision number. */
export interface FlowRevision extends Flow {
  /** 1 for the first save, then one more per change. */
  readonly revision: number;
  /** The YAML exactly as written, comments kept. */
  readonly source: string;
  /** ISO-8601 instant of this revision. */
  readonly updated: string;
  /** True for the revision that records a deletion. */
  readonly deleted: boolean;
}
