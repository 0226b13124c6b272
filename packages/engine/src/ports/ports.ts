import type { Execution, ExecutionEvent, LogEntry } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import type { FlowRevision } from '../flow/flow.types.js';
import type { LogLevel, TriggerWindowEntry } from '@sluice/core';

/**
 * The ports: what the engine needs from a runtime. `@sluice/runtime-bullmq` implements them on
 * Redis, `@sluice/runtime-sqlite` on one SQLite file, `@sluice/runtime-memory` in process, and
 * one contract suite holds them to the same behaviour. Every method may reject with `RUNTIME_UNAVAILABLE` (retryable) when its store
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

/** What {@link FlowRepository.save} checks before it stores. */
export interface FlowSaveOptions {
  /**
   * Compare-and-set: store only if the flow's latest revision (deleted or not) is still this
   * number, checked in the same step as the write; otherwise nothing is stored and the save
   * rejects with `RUNTIME_FLOW_REVISION_CONFLICT`, its details holding `expected` and `current`
   * (0 for a flow never saved). An editor sends the revision it edited, so a save never
   * silently replaces a revision its author has not seen.
   */
  readonly expectedRevision?: number;
}

/** Flows with every revision kept. */
export interface FlowRepository {
  /**
   * Stores `flow` as a new revision (1 for a new flow, the latest + 1 otherwise) and returns
   * it. Saving a source identical to the latest revision's returns the latest unchanged (after
   * the `expectedRevision` check, which comes first).
   */
  save(flow: Omit<FlowRevision, 'revision' | 'updated' | 'deleted'>, options?: FlowSaveOptions): Promise<FlowRevision>;
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
  /**
   * A token that changes whenever a flow of the tenant gets a new revision (a save that changed
   * it, a deletion), from any process sharing the store, and also when the store lost its flows.
   * Two equal readings mean nothing changed in between, so a periodic reload of every flow can be
   * skipped for the price of one read.
   */
  version(tenantId: string): Promise<string>;
}

/** Filters of an execution search. */
export interface ExecutionQuery {
  readonly tenantId: string;
  readonly namespace?: string;
  readonly flowId?: string;
  readonly states?: readonly StateType[];
  /** Only executions created (first state date) at or after this instant (ISO 8601). */
  readonly startDate?: string;
  /** Only executions created (first state date) at or before this instant (ISO 8601). */
  readonly endDate?: string;
  /** 1-based page. */
  readonly page: number;
  readonly size: number;
}

/** A page of results and the total count. */
export interface Page<T> {
  readonly results: readonly T[];
  readonly total: number;
}

/** What {@link ExecutionRepository.save} stores and publishes with an execution. */
export interface SaveOptions {
  /** Published on the runtime's events once the execution is stored, in order. */
  readonly announce?: readonly ExecutionEvent[];
  /** Log lines of this execution (only), appended to its logs before it is stored, in order. */
  readonly logs?: readonly LogEntry[];
  /**
   * Compare-and-set: the save (lines, execution and events alike) happens only if the stored
   * execution is still equal to this one (the same JSON); otherwise nothing is stored and the
   * save rejects with `RUNTIME_EXECUTION_CHANGED`. The executor uses it for its first save when
   * it starts from the execution a job carried instead of reading the store.
   */
  readonly expected?: Execution;
  /**
   * The ids of the task runs changed since the last save of this execution (the executor knows
   * them: what it staged). With it, the runtime writes the execution's head (everything but
   * `taskRunList`) and only the task runs named: one in `execution.taskRunList` is written at its
   * place in that list, one named but absent from it is deleted, and every task run not named
   * stays as stored (the caller promises it is unchanged and at the same place), so a save costs
   * what changed rather than the whole execution. Without it (the API's controls: kill, resume,
   * restart, replay, import), the whole execution is written and stored task runs absent from it
   * are deleted. `expected` is compared as without it, with the whole stored execution.
   */
  readonly taskRuns?: readonly string[];
}

/** Executions, newest first in searches. */
export interface ExecutionRepository {
  /** Stores a new execution; rejects with `RUNTIME_DUPLICATE_EXECUTION` when the id exists. */
  create(execution: Execution): Promise<void>;
  /**
   * Replaces a stored execution (the single worker holding its job is the only writer), with
   * `options.logs` appended to its logs first and `options.announce` published after, in one
   * step: the events go out only once the execution is stored, and not at all when it was not,
   * so a listener that hears one and reads the execution finds the state it announced; a reader
   * that finds the saved state finds the log lines stored with it. Runtimes send it all in one
   * round trip where they can; a terminal event may carry the saved execution
   * (`ExecutionEvent.execution`).
   */
  save(execution: Execution, options?: SaveOptions): Promise<void>;
  get(id: string): Promise<Execution | undefined>;
  search(query: ExecutionQuery): Promise<Page<Execution>>;
  /**
   * Deletes an execution and its log lines in one step; false when there was none. With
   * `expected`, only if the stored execution is still equal to it (the same JSON), else nothing
   * is deleted and it rejects with `RUNTIME_EXECUTION_CHANGED`: the host reads an execution,
   * decides it may go (it has ended), and must not delete one that was restarted meanwhile.
   */
  delete(id: string, options?: { readonly expected?: Execution }): Promise<boolean>;
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

/**
 * Handles one queued execution; `signal` fires when the consumer is closing. `queued` is the
 * execution as it was submitted, when the queue carries it (the BullMQ runtime does, for
 * executions up to a size): it may be stale, so a handler that starts from it instead of reading
 * the store must make its first save conditional on it ({@link SaveOptions.expected}).
 */
export type ExecutionHandler = (executionId: string, signal: AbortSignal, queued?: Execution) => Promise<void>;

/** A running consumer of the execution queue. */
export interface QueueConsumer {
  /**
   * Stops taking jobs and waits at most `graceMs` for the running ones; past it, their signals
   * fire and they are left for another consumer (they will be delivered again).
   */
  close(graceMs?: number): Promise<void>;
}

/** What {@link ExecutionQueue.enqueue} takes beside the execution id. */
export interface EnqueueOptions {
  /** Deliver no earlier than this date. */
  readonly at?: Date;
}

/**
 * The queue of executions to run. Delivery is at least once: a job whose consumer died is
 * delivered again, so handlers must be idempotent (the executor is).
 *
 * The jobs of one execution (its own and those queued with `at`) never run at once, in any
 * process: the executor takes task runs RUNNING outside its own process for crashed ones and
 * runs them again, and {@link ExecutionRepository.save} relies on one writer. A job delivered
 * while another job of the same execution runs, here or in another consumer, is run after that
 * one ends, never dropped, without counting as a failed attempt. A holder that died (its process
 * killed, its connection lost) lets go within the store's lock duration, so the execution is
 * never blocked for good.
 */
export interface ExecutionQueue {
  /**
   * Queues an execution; the job id is the execution id, so queueing twice runs it once.
   *
   * With `at`, the job is delivered no earlier than that date (an execution waiting for a
   * retry), kept by the store like any job, so a restart in between loses nothing. It is a job
   * of its own, keyed by the execution and the date: queueing it from inside the execution's
   * running job takes effect (it runs after that job, never instead of it), and queueing the
   * same execution and date twice runs it once. A date in the past is due at once. Waiting
   * jobs not yet due are not counted as `waiting` by {@link ExecutionQueue.counts}.
   */
  enqueue(executionId: string, options?: EnqueueOptions): Promise<void>;
  /**
   * Removes the job of `executionId` queued for `at` (by {@link ExecutionQueue.enqueue} with
   * `{ at }`) if it has not started: a wake that became stale, such as the end of a pause that
   * was resumed before it. Resolves true when it removed one; false when there was none, or it
   * is running or done (the executor finds nothing due then, and does nothing).
   */
  cancel(executionId: string, options: { readonly at: Date }): Promise<boolean>;
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
   *
   * With `killsOnly`, the caller reads KILLING events alone (a worker listening for a kill of
   * the execution it runs): a runtime may then deliver those alone. The BullMQ runtime listens
   * on a channel that carries nothing else, so a worker no longer receives every execution's
   * events; the in-process runtimes deliver every event, and the listener checks the state.
   */
  subscribe(executionId: string, listener: (event: ExecutionEvent) => void, options?: SubscribeOptions): Promise<() => Promise<void>>;
}

/** Options of {@link ExecutionEvents.subscribe}. */
export interface SubscribeOptions {
  /** True when the listener reads only KILLING events; it may still be given others. */
  readonly killsOnly?: boolean;
}

/**
 * One schedule the host's clock keeps: a schedule-mode trigger of an enabled flow. Ids are
 * stable per (tenant, namespace, flow, trigger), so saving the flow again keeps its schedule.
 */
export interface ScheduleSpec {
  /** `tenant/namespace/flowId/triggerId`; never holds a `:`. */
  readonly id: string;
  readonly flowKey: FlowKey;
  readonly triggerId: string;
  /** The flow revision the spec was built from: a spec never replaces one of a newer revision. */
  readonly revision: number;
  /**
   * A fingerprint of what the calendar is computed from (trigger type and props). Upserting the
   * same version again changes nothing (a restart loses and doubles no tick); a new version
   * restarts the chain of ticks from the first tick due under it.
   */
  readonly version: string;
  /**
   * The first tick strictly after `after`, or undefined when the schedule has ended: the
   * trigger plugin's `nextDate` with the trigger's props. Kept in process, never stored.
   */
  next(after: Date): Date | undefined;
}

/** A schedule as the clock stores it. */
export interface StoredSchedule {
  readonly id: string;
  readonly flowKey: FlowKey;
  readonly triggerId: string;
  readonly revision: number;
  readonly version: string;
  /** The next tick due, when the schedule has not ended. */
  readonly next?: Date;
  /**
   * The last tick the clock delivered in this chain (the `previous` of the next tick), when it
   * has delivered one. A delivered tick started at most one execution, whose id the host derives
   * from the schedule and this date.
   */
  readonly previous?: Date;
}

/** One due tick of a schedule, as the clock delivers it. */
export interface ScheduleTickEvent {
  readonly scheduleId: string;
  readonly flowKey: FlowKey;
  readonly triggerId: string;
  /** The time the tick was due (not the time it is delivered). */
  readonly date: Date;
  /** The tick before it in this chain, when the clock knows it. */
  readonly previous?: Date;
  /** The tick after it, already scheduled before this one is delivered. */
  readonly next?: Date;
}

/** Handles one tick; rejecting means "try again" (the tick is delivered again, with a backoff). */
export type ScheduleTickHandler = (tick: ScheduleTickEvent) => Promise<void>;

/** A running consumer of ticks. */
export interface ScheduleConsumer {
  /** Stops taking ticks and waits at most `graceMs` for the running ones. */
  close(graceMs?: number): Promise<void>;
}

/**
 * The host's clock for schedule-mode triggers. Each tick of a schedule is delivered once
 * across every process sharing the store, and ticks that fell due while nothing consumed them
 * are delivered late, in order (Kestra's default `recoverMissedSchedules: ALL`). The chain of
 * ticks is computed with the specs' `next`, so a process consumes the ticks of the schedules it
 * was given with {@link ScheduleClock.upsert}; a tick of a version this process does not know
 * yet waits for it (or for another process).
 *
 * Delivery is at least once in the worst case (a consumer that dies mid-tick): a handler makes
 * one execution per (schedule, tick date), e.g. with an execution id derived from them.
 */
export interface ScheduleClock {
  /**
   * Adds or updates a schedule. Same version: nothing changes. New version (or a new
   * schedule): ticks restart from the first one due after now (or, when the old chain's next
   * tick is already due, from that tick), under the new calendar. A spec of an older revision
   * than the stored one is ignored.
   */
  upsert(spec: ScheduleSpec): Promise<void>;
  /** Stops a schedule at once: its pending tick is dropped. Ignored when the stored revision is newer. */
  remove(id: string, revision: number): Promise<void>;
  /** The schedules stored, across processes. */
  list(): Promise<readonly StoredSchedule[]>;
  /** Starts delivering due ticks to `handler`. */
  consume(handler: ScheduleTickHandler): ScheduleConsumer;
}

/** A person's login session as the store keeps it: never the token, which only its holder has. */
export interface StoredSession {
  /** Who logged in. */
  readonly username: string;
  /** What the session's unsafe requests must echo in `X-CSRF-Token`. */
  readonly csrfToken: string;
  /** When it was opened, in epoch ms. */
  readonly createdAt: number;
  /** Epoch ms past which the session is over however recently it was used (absolute expiry). */
  readonly expiresAt: number;
}

/**
 * Login sessions of people using the web UI, shared by every process on the store: any webserver
 * accepts a session, and deleting it ends it everywhere at once. A session is stored under an id
 * the host derives from its secret token (a SHA-256 hash), so a copy of the store gives no one a
 * usable token. It ends when unused for `idleMs` or at its `expiresAt`, whichever comes first;
 * expired sessions are never returned and need no sweeping by the host.
 */
export interface SessionRepository {
  /** Stores `session` under `id`, alive for `idleMs` unless used. */
  create(id: string, session: StoredSession, idleMs: number): Promise<void>;
  /** The live session under `id`, its idle time restarted (to `idleMs`); undefined when unknown, expired or deleted. */
  touch(id: string, idleMs: number): Promise<StoredSession | undefined>;
  /** Ends the session under `id` at once; false when there was none. */
  delete(id: string): Promise<boolean>;
}

/** Where one entry of the key-value store lives: Kestra's KV store is per namespace. */
export interface KvKey {
  readonly tenantId: string;
  readonly namespace: string;
  /** Kestra's key syntax: a letter or digit, then letters, digits, `.`, `_`, `-`. */
  readonly key: string;
}

/** One entry of the key-value store. */
export interface KvEntry {
  /** Any JSON value. */
  readonly value: unknown;
  /** Kestra's `kvType` (STRING, NUMBER, ...), when the writer gave one. */
  readonly type?: string;
  /** Kestra's `kvDescription`. */
  readonly description?: string;
  /** When it was written (ISO-8601). */
  readonly updated: string;
  /** When it stops existing (epoch ms); never when absent. */
  readonly expiresAt?: number;
}

/**
 * The key-value store of Kestra's `kv.*` tasks and `kv()` function, per tenant and namespace.
 * An entry past its `expiresAt` is never returned, whatever the runtime's cleanup has done.
 */
export interface KvRepository {
  get(key: KvKey): Promise<KvEntry | undefined>;
  /**
   * Stores the entry. With `overwrite: false` it stores only when no live entry exists, and
   * resolves false when one did (the store is left as it was); otherwise true.
   */
  set(key: KvKey, entry: KvEntry, options?: { readonly overwrite?: boolean }): Promise<boolean>;
  /** Deletes the entry; false when there was no live one. */
  delete(key: KvKey): Promise<boolean>;
  /** The live keys of a namespace that start with `prefix` (all when absent), sorted. */
  keys(tenantId: string, namespace: string, prefix?: string): Promise<readonly string[]>;
  /**
   * The namespaces of a tenant that hold at least one live entry, sorted: what `sluice export`
   * walks. It may cost a scan of the store, so nothing on a request path calls it.
   */
  namespaces(tenantId: string): Promise<readonly string[]>;
}

/** Identifies one trigger of one flow. */
export interface TriggerKey {
  readonly tenantId: string;
  readonly namespace: string;
  readonly flowId: string;
  readonly triggerId: string;
}

/** The last error a trigger met (a poll that threw, a listener that failed). */
export interface TriggerError {
  /** What went wrong, without secrets (the host redacts before it stores). */
  readonly message: string;
  /** When, in epoch ms. */
  readonly at: number;
}

/**
 * What the store keeps of one trigger between runs and across processes (Kestra's trigger state
 * row). Rows exist for the triggers the host ran or that the API disabled.
 */
export interface TriggerState {
  readonly key: TriggerKey;
  /** The process holding the lease, while one does (it may have expired: see `leaseUntil`). */
  readonly holder?: string;
  /** Epoch ms when the lease ends unless renewed. */
  readonly leaseUntil?: number;
  /** The plugin's cursor (poll mode), as JSON; absent before the first poll stored one. */
  readonly cursor?: unknown;
  /** The last poll, the last message received (listen mode), or the newest noted webhook start, in epoch ms. */
  readonly lastEvaluatedAt?: number;
  /** When the next poll is due, in epoch ms (poll mode). */
  readonly nextPollAt?: number;
  /** The last execution the trigger started. */
  readonly lastExecutionId?: string;
  /** The last error, until a run succeeds again. */
  readonly lastError?: TriggerError;
  /** Executions started by the trigger, across processes. */
  readonly executions: number;
  /** Errors met (polls that failed, listeners that stopped), across processes. */
  readonly errors: number;
  /** Events the trigger received but could not turn into an execution (`ctx.reject`: a message that does not decode), across processes. */
  readonly rejected: number;
  /** Disabled through the API or by `stopAfter` (not the YAML): the host does not run it, whatever the flow says. */
  readonly disabled: boolean;
  /** Who disabled it, while `disabled`: a person through the API, or `stopAfter`. */
  readonly disabledBy?: TriggerDisabledBy;
  /** Epoch ms of the last write. */
  readonly updatedAt: number;
}

/** Executions a trigger without a lease started since the last note: how many, and the newest. */
export interface TriggerStartsNote {
  readonly count: number;
  readonly lastExecutionId: string;
  /** When the newest was started, in epoch ms. */
  readonly at: number;
}

/** Who disabled a trigger, and why. */
export interface TriggerDisabledBy {
  /** `api`: a person, through the trigger API (or the UI); `stopAfter`: an execution it started ended in a state its `stopAfter` lists. */
  readonly kind: 'api' | 'stopAfter';
  /** For `stopAfter`: the execution whose end stopped it, and that end's state. */
  readonly executionId?: string;
  readonly state?: string;
  /** For `api`: the user who did it, when known. */
  readonly user?: string;
  /** When, in epoch ms. */
  readonly at: number;
}

/** A change of a trigger's state by its lease holder; absent fields stay as they are. */
export interface TriggerStateUpdate {
  /** The new cursor (any JSON value); leave the key out to keep the stored one. */
  readonly cursor?: unknown;
  readonly lastEvaluatedAt?: number;
  readonly nextPollAt?: number;
  readonly lastExecutionId?: string;
  /** The new last error; `null` clears it. */
  readonly lastError?: TriggerError | null;
  /** Added to `executions`. */
  readonly addExecutions?: number;
  /** Added to `errors`. */
  readonly addErrors?: number;
  /** Added to `rejected`. */
  readonly addRejected?: number;
}

/**
 * Trigger state and leases, shared by every process on the store. A lease makes one process at
 * a time run a poll or listen trigger: it is taken when free, expired or already held by the
 * same holder, renewed by taking it again before it ends, and taken over by another process
 * once its holder stops renewing it (a process killed: the lease time bounds the takeover).
 * Writes by a holder are fenced: a process that lost its lease can no longer change the state,
 * so a stale poller never rewinds a cursor. Times are epoch ms of the calling process's clock.
 */
export interface TriggerStateRepository {
  /**
   * Takes or renews the lease of `key` for `holder` until now + `ttlMs`, when it is free,
   * expired or already `holder`'s (a missing row is created). Returns the state with the lease,
   * or undefined when another holder's lease is live.
   */
  acquire(key: TriggerKey, holder: string, ttlMs: number): Promise<TriggerState | undefined>;
  /** Gives the lease up at once, if `holder` has it; false when it did not. */
  release(key: TriggerKey, holder: string): Promise<boolean>;
  /** Applies `update` if `holder` still holds the lease (even expired, when no one took it over); false otherwise, and nothing changes. */
  update(key: TriggerKey, holder: string, update: TriggerStateUpdate): Promise<boolean>;
  /**
   * Sets the API's `disabled` flag (a missing row is created), with who disabled it (`by`, kept
   * while disabled, cleared when enabled); the lease is left to its holder, who sees it when it renews.
   */
  setDisabled(key: TriggerKey, disabled: boolean, by?: TriggerDisabledBy): Promise<TriggerState>;
  get(key: TriggerKey): Promise<TriggerState | undefined>;
  /** The states of a tenant, optionally of one namespace (prefix) or one flow, in key order. */
  list(tenantId: string, filter?: { readonly namespace?: string; readonly flowId?: string }): Promise<readonly TriggerState[]>;
  /**
   * Records executions that a trigger running under no lease (a webhook) started, as the host
   * batches them off the request path: adds `count` to `executions`, and keeps `lastExecutionId`
   * and `lastEvaluatedAt` of the newest `at`, so a batch from another process that lands late
   * leaves a newer one in place. A missing row is created.
   */
  noteStarts(key: TriggerKey, note: TriggerStartsNote): Promise<void>;
  /** Forgets a trigger's state and its window (its flow or trigger was deleted); false when there was no state. */
  delete(key: TriggerKey): Promise<boolean>;
  /**
   * Records that execution `executionId` meets `entry.met` in the trigger's window (a Flow
   * trigger's `preconditions`), and says whether this record completed it: one atomic step per
   * trigger across processes (the rules are `applyWindowEntry`'s), so of two executions
   * that complete a window at once exactly one fires. Recording the same execution again
   * changes nothing and answers as the first time. Needs no lease: any worker records.
   */
  recordWindow(key: TriggerKey, executionId: string, entry: TriggerWindowEntry): Promise<{ readonly fired: boolean }>;
}

/** What {@link ConcurrencyLimits.acquire} asks for: a slot of a flow, under the limit of the execution's revision. */
export interface SlotRequest {
  /** The flow's `concurrency.limit` in the execution's revision (at least 1). */
  readonly limit: number;
  /** `concurrency.behavior` QUEUE: wait in line when no slot is free; otherwise be refused. */
  readonly queue: boolean;
  /** Epoch ms of the request; kept with a queued entry, it dates the job that starts it once promoted. */
  readonly at: number;
}

/** A queued execution promoted to a slot whose own job has not run yet: it must be queued (again) to start. */
export interface PromotedSlot {
  readonly executionId: string;
  /** Epoch ms it was queued at: the date of the job that starts it, so queueing it twice runs it once. */
  readonly queuedAt: number;
}

/** The answer of {@link ConcurrencyLimits.acquire}. */
export interface SlotAdmission {
  /** `running`: it holds a slot; `queued`: it waits in line; `refused`: no slot, and it may not wait. */
  readonly outcome: 'running' | 'queued' | 'refused';
  /** Slots held when it asked, itself excluded: what the log line of a queued or refused one says. */
  readonly running: number;
  /** Every execution holding a slot that its own job has not confirmed yet (see {@link PromotedSlot}). */
  readonly promoted: readonly PromotedSlot[];
}

/** The answer of {@link ConcurrencyLimits.release}. */
export interface SlotRelease {
  /** True when the execution held a slot or waited in line, and no longer does. */
  readonly released: boolean;
  /** Every execution holding a slot that its own job has not confirmed yet (see {@link PromotedSlot}). */
  readonly promoted: readonly PromotedSlot[];
}

/** The slots and the line of one flow, for tests and inspection. */
export interface FlowSlots {
  /** Executions holding a slot, in no particular order. */
  readonly running: readonly string[];
  /** Executions waiting, oldest first. */
  readonly queued: readonly string[];
}

/**
 * Kestra's flow `concurrency`: at most `limit` executions of a flow hold a slot at once, counted
 * across every process on the store, and the others wait in line (QUEUE) or are refused. Each
 * call is one atomic step per flow, and idempotent per execution id, because the executor is at
 * least once: asking again for a slot held, or a place in line, answers as before; releasing
 * twice releases once. A slot freed goes to the oldest execution in line, at once (it is counted
 * as held from then on), but that execution's job is queued by the caller: until its own
 * `acquire` confirms it, every answer lists it in `promoted`, so a caller that crashed before
 * queueing it is repaired by the next call on the flow (or by the redelivered job that released).
 * An entry in line keeps the limit it asked under: it is promoted when fewer than its limit
 * hold a slot, and never ahead of an older one.
 */
export interface ConcurrencyLimits {
  /**
   * A slot for `executionId`: held already (answered `running`), promoted from the line
   * (`running`, now confirmed), free (`running`: the line is empty and fewer than `limit` hold
   * one), else a place at the end of the line with `queue` (`queued`), or `refused`.
   */
  acquire(flow: FlowKey, executionId: string, request: SlotRequest): Promise<SlotAdmission>;
  /** Gives up the execution's slot or place in line, then promotes from the line into the free slots. */
  release(flow: FlowKey, executionId: string): Promise<SlotRelease>;
  /** The flow's slots and line as stored now. */
  slots(flow: FlowKey): Promise<FlowSlots>;
}

/** One runtime: every port, and how to stop it. */
export interface Runtime {
  /** `bullmq`, `sqlite` or `memory`, for the start-up line and metrics. */
  readonly name: string;
  /** False when the runtime keeps nothing across a restart. */
  readonly durable: boolean;
  readonly flows: FlowRepository;
  readonly executions: ExecutionRepository;
  readonly logs: LogRepository;
  readonly queue: ExecutionQueue;
  readonly events: ExecutionEvents;
  /** The clock of schedule-mode triggers. */
  readonly schedules: ScheduleClock;
  /** Login sessions of the web UI. */
  readonly sessions: SessionRepository;
  /** The key-value store of the `kv.*` tasks and the `kv()` function. */
  readonly kv: KvRepository;
  /** State and leases of poll and listen triggers, and the API's enable/disable of any trigger. */
  readonly triggers: TriggerStateRepository;
  /** Slots of flows with a `concurrency` limit, across processes. */
  readonly concurrency: ConcurrencyLimits;
  /**
   * Stores a new execution and queues it: what starting a flow takes. When it resolves, both are
   * done, and the job can never reach a handler before the execution is stored. A runtime may
   * send both at once (the BullMQ runtime sends them down one connection in one round trip,
   * where `executions.create` then `queue.enqueue` would take three).
   *
   * Rejects with `RUNTIME_DUPLICATE_EXECUTION` when the id is stored already; the job is queued
   * all the same, which is what a caller retrying a failed start wants (the stored execution runs
   * once: the job id is the execution id, and the executor is idempotent). On any other
   * rejection either half may have happened: see the server's `storeAndQueue`. A runtime that
   * can tell rejects with `RUNTIME_UNAVAILABLE` and `details.replyLost: true` when its commands
   * had left as the connection dropped (they may have been applied, so a retry may meet its own
   * execution), and without it when the store was known to be down and nothing was sent.
   */
  submit(execution: Execution): Promise<void>;
  /** Resolves when the store answers; rejects with `RUNTIME_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One file of internal storage: an execution's, at a path relative to the execution's folder
 * (`tasks/<task>/<task run>/<name>`). Each segment of `path` is a plain name (no `/`, `\`, NUL,
 * `.` or `..`); the engine checks them and every implementation checks them again.
 */
export interface FileKey {
  readonly tenantId: string;
  readonly executionId: string;
  /** Segments below the execution's folder. */
  readonly path: readonly string[];
}

/** An execution that holds files, as {@link FileStorage.executions} lists it. */
export interface FilesOwner {
  readonly tenantId: string;
  readonly executionId: string;
}

/** What {@link FileStorage.stat} knows of a file. */
export interface FileStat {
  /** Bytes. */
  readonly size: number;
  /** When it was written, in epoch ms. */
  readonly modifiedAt: number;
}

/**
 * Internal storage: files of executions (what `http.Download` writes, what `read()` reads), kept
 * outside the execution's record so large content never travels in it.
 *
 * A port of its own, not a member of {@link Runtime}: where files live is chosen apart from where
 * executions live (a folder shared by every worker, whichever runtime holds the executions; an
 * object store later), one implementation serves every runtime, and files are keyed by execution,
 * so deleting an execution's files is one call. `@sluice/engine` has a folder implementation
 * (`createLocalStorage`) and one in memory for tests (`createMemoryStorage`).
 *
 * Writes are whole-file: a reader never sees a file half written, and a write that fails leaves
 * nothing. Every method may reject with `STORAGE_UNAVAILABLE` when the storage cannot be reached.
 */
export interface FileStorage {
  /**
   * Writes `content` under `key` as it arrives (never buffered whole), replacing any file there.
   * Past `maxBytes` it stops, stores nothing and rejects with `STORAGE_FILE_TOO_LARGE`.
   * Resolves with the bytes written.
   */
  put(key: FileKey, content: AsyncIterable<Uint8Array>, options: { readonly maxBytes: number }): Promise<number>;
  /** The file's bytes as a stream, or undefined when there is none. */
  get(key: FileKey): Promise<AsyncIterable<Uint8Array> | undefined>;
  /** The file's size and date, or undefined when there is none. */
  stat(key: FileKey): Promise<FileStat | undefined>;
  /** Deletes every file of an execution; false when it had none. */
  deleteExecution(owner: FilesOwner): Promise<boolean>;
  /** Every execution that holds files, in no particular order: what a sweep of orphans walks. */
  executions(): AsyncIterable<FilesOwner>;
}
