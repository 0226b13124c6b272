import type { Execution, ExecutionEvent, LogEntry } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import type { FlowRevision } from '../flow/flow.types.js';
import type { LogLevel } from '@sluice/core';

/**
 * The ports: what the engine needs from a runtime. `@sluice/runtime-bullmq` implements them on
 * Redis, `@sluice/runtime-memory` in process, and one contract suite holds both to the same
 * behaviour. Every method may reject with `RUNTIME_UNAVAILABLE` (retryable) when its store
 * cannot be reached; none may hang.
 */

/** Identifies a flow. */
export interface FlowKey {
  readonly tenantId: string;
  readonly namespace: string;
  readonly id: string;
}

/** A flow was saved or deleted; webservers use it to refresh their webhook index. */
export interface FlowChange {
  readonly key: FlowKey;
  readonly revision: number;
  readonly deleted: boolean;
}

/** Flows with every revision kept. */
export interface FlowRepository {
  /**
   * Stores `flow` as a new revision (1 for a new flow, the latest + 1 otherwise) and returns
   * it. Saving a source identical to the latest revision's returns the latest unchanged.
   */
  save(flow: Omit<FlowRevision, 'revision' | 'updated' | 'deleted'>): Promise<FlowRevision>;
  /** The latest revision, or undefined when the flow does not exist or was deleted. */
  get(key: FlowKey): Promise<FlowRevision | undefined>;
  /** One revision, deleted flows included (executions keep pointing at their revision). */
  getRevision(key: FlowKey, revision: number): Promise<FlowRevision | undefined>;
  /** Every revision of a flow, oldest first. */
  revisions(key: FlowKey): Promise<readonly FlowRevision[]>;
  /** Records a deletion as a new revision; false when there was nothing to delete. */
  delete(key: FlowKey): Promise<boolean>;
  /** The latest revision of every live flow of a tenant, optionally within one namespace (prefix). */
  list(tenantId: string, namespace?: string): Promise<readonly FlowRevision[]>;
  /** Calls `listener` after every save or delete, from any process sharing the store. */
  watch(listener: (change: FlowChange) => void): Promise<() => Promise<void>>;
}

/** Filters of an execution search. */
export interface ExecutionQuery {
  readonly tenantId: string;
  readonly namespace?: string;
  readonly flowId?: string;
  readonly states?: readonly StateType[];
  /** 1-based page. */
  readonly page: number;
  readonly size: number;
}

/** A page of results and the total count. */
export interface Page<T> {
  readonly results: readonly T[];
  readonly total: number;
}

/** Executions, newest first in searches. */
export interface ExecutionRepository {
  /** Stores a new execution; rejects with `RUNTIME_DUPLICATE_EXECUTION` when the id exists. */
  create(execution: Execution): Promise<void>;
  /** Replaces a stored execution (the single worker holding its job is the only writer). */
  save(execution: Execution): Promise<void>;
  get(id: string): Promise<Execution | undefined>;
  search(query: ExecutionQuery): Promise<Page<Execution>>;
}

/** Filters of a log listing. */
export interface LogQuery {
  readonly minLevel?: LogLevel;
  readonly taskId?: string;
  readonly taskRunId?: string;
}

/** Log entries per execution, in the order appended. */
export interface LogRepository {
  append(entries: readonly LogEntry[]): Promise<void>;
  list(executionId: string, query?: LogQuery): Promise<readonly LogEntry[]>;
}

/** Handles one queued execution; `signal` fires when the consumer is closing. */
export type ExecutionHandler = (executionId: string, signal: AbortSignal) => Promise<void>;

/** A running consumer of the execution queue. */
export interface QueueConsumer {
  /**
   * Stops taking jobs and waits at most `graceMs` for the running ones; past it, their signals
   * fire and they are left for another consumer (they will be delivered again).
   */
  close(graceMs?: number): Promise<void>;
}

/**
 * The queue of executions to run. Delivery is at least once: a job whose consumer died is
 * delivered again, so handlers must be idempotent (the executor is).
 */
export interface ExecutionQueue {
  /** Queues an execution; the job id is the execution id, so queueing twice runs it once. */
  enqueue(executionId: string): Promise<void>;
  /** Starts consuming with at most `concurrency` executions at once. */
  consume(handler: ExecutionHandler, options: { readonly concurrency: number }): QueueConsumer;
  /** Jobs waiting and running, for metrics and readiness. */
  counts(): Promise<{ readonly waiting: number; readonly active: number; readonly completed: number; readonly failed: number }>;
}

/** State changes of executions, across processes. */
export interface ExecutionEvents {
  publish(event: ExecutionEvent): Promise<void>;
  /**
   * Calls `listener` for every later event of `executionId`. Resolves once the subscription
   * is active, so a caller that subscribes and then reads the execution misses nothing.
   */
  subscribe(executionId: string, listener: (event: ExecutionEvent) => void): Promise<() => Promise<void>>;
}

/** One runtime: every port, and how to stop it. */
export interface Runtime {
  /** `bullmq` or `memory`, for the start-up line and metrics. */
  readonly name: string;
  /** False when the runtime keeps nothing across a restart. */
  readonly durable: boolean;
  readonly flows: FlowRepository;
  readonly executions: ExecutionRepository;
  readonly logs: LogRepository;
  readonly queue: ExecutionQueue;
  readonly events: ExecutionEvents;
  /** Resolves when the store answers; rejects with `RUNTIME_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
