import { isSluiceError } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FlowRevision } from '../flow/flow.types.js';
import type { Execution, ExecutionEvent, LogEntry } from '../model/execution.js';
import { isTerminated, withState, type StateType } from '../model/state.js';
import type { PluginRegistry } from '../plugins/index.js';
import type { FileStorage, Runtime } from '../ports/ports.js';
import { createSecretReader, type SecretProvider, type SecretReader } from '../secrets/index.js';
import { drive } from './drive.js';
import { taskIndex } from './flow-tree.js';
import { nextWake } from './wake.js';
import { renderFlowOutputs } from './flow-outputs.js';
import { renderDeep } from '../expression/index.js';
import { loggerOf, type TaskRunScope } from './run-task.js';
import { parentToWake, settleChild } from './subflow.js';
import { runVariables } from './run-variables.js';
import { withTaskRun } from './task-runs.js';
import { createKvAccess } from '../kv/kv-access.js';
import { killedExecution } from '../execution/kill-execution.js';
import { listenForKill, type KillListener } from './kill-listener.js';
import { admit, releaseIfEnded } from './concurrency.js';

/** What the executor needs: the stores, the plugins, the secrets, and a clock. */
export interface ExecutorDeps {
  /**
   * The stores, the queue (where an execution waiting for a retry is queued again for its date),
   * the key-value store, and `submit`, which starts a Subflow's execution (without it, a Subflow
   * task fails).
   */
  readonly runtime: Pick<Runtime, 'flows' | 'executions' | 'logs' | 'queue' | 'kv'> & Partial<Pick<Runtime, 'events' | 'submit' | 'concurrency'>>;
  /**
   * Internal storage: where tasks put files (`ctx.storage`) and `read()` reads them. Without it,
   * a task that touches files fails with `STORAGE_UNAVAILABLE`.
   */
  readonly storage?: FileStorage;
  readonly registry: PluginRegistry;
  readonly secrets: SecretProvider;
  /** The clock; injectable for tests. */
  readonly now?: () => Date;
}

/** Runs executions: what a worker calls for each job. */
export interface Executor {
  /**
   * Runs the execution's tasks in order and records its final state, then returns it. When
   * what is left waits for a retry, it records the execution RETRYING instead, queues it again
   * for the date the first retry is due, and returns it: a waiting execution holds no worker.
   * Idempotent: a terminated execution is returned unchanged, and a finished task run is never
   * run again, so a job delivered twice (after a crash) completes the work without repeating
   * it. Rejects with `EXECUTION_NOT_FOUND` for an unknown id, and with the signal's reason when
   * `signal` fires mid-run (the execution stays RUNNING for the next delivery).
   *
   * `queued` is the execution as its job carried it, if it did: the run then starts from it
   * without reading the store, and its first save (made before any plugin runs) is stored only
   * if the store still holds exactly that execution. If it does not (the execution was
   * cancelled, or an earlier delivery got further), nothing is saved and the run starts again
   * from the stored execution, as it would have without `queued`.
   */
  run(executionId: string, signal: AbortSignal, queued?: Execution): Promise<Execution>;
}

/** The executor over `deps`. */
export function createExecutor(deps: ExecutorDeps): Executor {
  const now = deps.now ?? (() => new Date());
  return {
    async run(executionId, signal, queued) {
      const seen: SeenFlow = {};
      const execution = await runExecution(deps, now, executionId, signal, queued, seen);
      if (!isTerminated(execution.state.current)) return execution;
      // What an end owes others, done whether it ended now or before (a job delivered again
      // after a crash between the end's save and this), so at least once: its waiting parent is
      // told, and its flow `concurrency` slot is given back.
      const parent = parentToWake(execution);
      if (parent !== undefined) await deps.runtime.queue.enqueue(parent, { at: now() });
      return releaseIfEnded(deps.runtime, execution, seen.flow);
    },
  };
}

/** The flow revision a run loaded, so the release after its end need not read it again. */
interface SeenFlow {
  flow?: FlowRevision;
}

async function runExecution(deps: ExecutorDeps, now: () => Date, executionId: string, signal: AbortSignal, queued: Execution | undefined, seen: SeenFlow): Promise<Execution> {
  // Listening before reading: a kill stored after the read is heard (see kill-listener.ts).
  const kill = await listenForKill(deps.runtime.events, executionId, signal);
  try {
    // Starting from the queued execution saves the read, one store round trip per execution. Only
    // the first save can fail this way, and it comes before any plugin runs, so starting again
    // repeats nothing but expression rendering.
    if (queued !== undefined && queued.id === executionId && !isTerminated(queued.state.current)) {
      try {
        return await execute(deps, now, queued, signal, queued, kill, seen);
      } catch (error) {
        if (!isSluiceError(error, 'RUNTIME_EXECUTION_CHANGED')) throw error;
      }
    }
    // The first save is conditional on the execution read, too: a control of the API (a kill)
    // stored in between is then read again rather than overwritten.
    for (let attempt = 1; ; attempt++) {
      const loaded = await deps.runtime.executions.get(executionId);
      if (!loaded) throw engineErrors.EXECUTION_NOT_FOUND(executionId);
      if (isTerminated(loaded.state.current)) return loaded;
      const waiting = await stillWaiting(deps, loaded, now());
      if (waiting) return waiting;
      try {
        return await execute(deps, now, loaded, signal, loaded, kill, seen);
      } catch (error) {
        if (!isSluiceError(error, 'RUNTIME_EXECUTION_CHANGED')) throw error;
        // A waiting execution can be woken by two jobs at once (its date came as the resume
        // route queued it): the one whose first save was refused leaves it to the other.
        if (WOKEN.has(loaded.state.current)) return (await deps.runtime.executions.get(executionId)) ?? loaded;
        if (attempt >= MAX_CHANGED_READS) throw error;
      }
    }
  } finally {
    await kill.close();
  }
}

// States of a waiting execution (see waits.ts), and RESTARTED: one the resume route woke.
// QUEUED too: its promotion's job and a late delivery of its first job may both hold it.
const WOKEN: ReadonlySet<StateType> = new Set(['PAUSED', 'RETRYING', 'RESTARTED', 'QUEUED']);

/**
 * `loaded` when nothing in it is due yet (a delayed job delivered early, or a late one of a pause
 * resumed meanwhile that paused again): it is queued again for its date, and nothing is saved.
 */
async function stillWaiting(deps: ExecutorDeps, loaded: Execution, date: Date): Promise<Execution | undefined> {
  if (loaded.state.current !== 'PAUSED' && loaded.state.current !== 'RETRYING') return undefined;
  const key = { tenantId: loaded.tenantId, namespace: loaded.namespace, id: loaded.flowId };
  const flow = await deps.runtime.flows.getRevision(key, loaded.flowRevision);
  if (!flow) return undefined;
  const next = nextWake(flow, taskIndex(flow, deps.registry), loaded, date);
  if (next === 'now') return undefined;
  if (next !== undefined) await deps.runtime.queue.enqueue(loaded.id, { at: next });
  return loaded;
}

/** Reads of an execution changed under the executor before the job is left to be delivered again. */
const MAX_CHANGED_READS = 5;

/**
 * Runs `loaded` to its end. With `expected`, the first save is conditional on the store still
 * holding that execution, and rejects with `RUNTIME_EXECUTION_CHANGED` otherwise.
 */
async function execute(deps: ExecutorDeps, now: () => Date, loaded: Execution, jobSignal: AbortSignal, expected: Execution | undefined, kill: KillListener, seen: SeenFlow): Promise<Execution> {
  // A kill aborts the running plugins as a worker's shutdown does; the run then ends KILLED.
  const signal = kill.signal;
  const { runtime } = deps;
  const executionId = loaded.id;

  // Changes are staged in memory and saved together at the points that need them stored: before
  // a plugin runs (so a crash mid-task is resumed as a new attempt) and at the end. A one-task
  // flow is saved twice instead of four times; nothing that runs user code happens between a
  // staged change and its save, so a crash loses nothing a save would have kept. A task's log
  // lines are staged with its end and stored by the same save, in one step: a store round trip
  // less per task, and a crash can no longer keep the lines of an attempt whose end it lost.
  let execution = loaded;
  let unsaved = false;
  let unsavedLogs: LogEntry[] = [];
  // An execution resumed after a retry's wait was announced RUNNING by its first job.
  // A restarted one is announced RUNNING again, as it runs again.
  let announced = ranSinceRestart(loaded);
  // The task runs changed since the last save, so the save writes those alone (`taskRuns`):
  // `changedRuns` undefined means a change the ids do not describe (a new list not made by one
  // task run's change, or a save that failed, which may or may not have stored its changes), and
  // the next save then writes the whole execution.
  let changedRuns: Set<string> | undefined = new Set();
  const stage = (next: Execution, logs: readonly LogEntry[] = [], taskRunId?: string): void => {
    if (taskRunId !== undefined) changedRuns?.add(taskRunId);
    else if (next.taskRunList !== execution.taskRunList) changedRuns = undefined;
    execution = next;
    unsaved = true;
    // Appended in place: side-effect-free tasks may stage many ends before one save.
    for (const line of logs) unsavedLogs.push(line);
  };
  let unconfirmed = expected;
  // `ending`: the final state this save stores; `waiting`: a state it stores on the way (RETRYING).
  const save = async (ending?: StateType, waiting?: StateType): Promise<void> => {
    if (!unsaved) return;
    unsaved = false;
    const announce: ExecutionEvent[] = [];
    // RUNNING is announced with the first save that holds it, even one that also ends the
    // execution (a flow whose tasks are all disabled): listeners always hear it before the end.
    if (!announced && ranSinceRestart(execution)) {
      announced = true;
      announce.push({ executionId, state: 'RUNNING', terminated: false });
    }
    // The end goes out with the save that stores it, never before: whoever hears it reads the
    // execution and must find it ended.
    if (ending !== undefined) announce.push({ executionId, state: ending, terminated: true });
    if (waiting !== undefined) announce.push({ executionId, state: waiting, terminated: false });
    const logs = unsavedLogs;
    unsavedLogs = [];
    const condition = unconfirmed;
    unconfirmed = undefined;
    const taskRuns = changedRuns === undefined ? undefined : [...changedRuns];
    changedRuns = undefined;
    // One literal of one shape (absent options as undefined, which every runtime reads as absent).
    await runtime.executions.save(execution, { announce, logs, expected: condition, taskRuns });
    changedRuns = new Set();
  };
  const secrets = createSecretReader(deps.secrets);
  const logLine = (message: string): LogEntry => ({
    tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id,
    timestamp: now().toISOString(), level: 'ERROR', message: secrets.mask(message),
  });
  const finish = async (state: StateType, outputs?: Readonly<Record<string, unknown>>, logs?: readonly LogEntry[]): Promise<Execution> => {
    stage({ ...execution, ...(outputs ? { outputs } : {}), state: withState(execution.state, state, now()) }, logs);
    await save(state);
    return execution;
  };

  const killed = async (): Promise<Execution> => {
    stage(killedExecution(execution, now()));
    await save('KILLED');
    return execution;
  };
  // Killed while it waited, or while no worker held it: ended without running anything.
  if (execution.state.current === 'KILLING' || kill.killed) return killed();

  const key = { tenantId: execution.tenantId, namespace: execution.namespace, id: execution.flowId };
  const flow = await runtime.flows.getRevision(key, execution.flowRevision);
  if (!flow) {
    // Retrying cannot bring a revision back: end the execution instead of failing the job forever.
    const error = engineErrors.EXECUTION_FLOW_NOT_FOUND(`${key.namespace}.${key.id}`, execution.flowRevision);
    return finish('FAILED', undefined, [logLine(error.message)]);
  }
  rememberSecretInputs(flow, execution, secrets);
  seen.flow = flow;

  // The flow's `concurrency`: a slot before it starts, else it waits QUEUED or ends (concurrency.ts).
  const admission = await admit(runtime, flow, execution, now());
  if (admission.kind === 'ended') return finish(admission.state, undefined, admission.logs);
  if (admission.kind === 'queued') {
    if (admission.execution !== undefined) {
      stage(admission.execution, admission.logs);
      await save(undefined, 'QUEUED');
    }
    return execution;
  }

  if (execution.state.current !== 'RUNNING') stage({ ...execution, state: withState(execution.state, 'RUNNING', now()) });

  const functions = { secret: (name: string) => secrets.read(name), now };
  const scope: TaskRunScope = {
    flow, registry: deps.registry, secrets, now, jobSignal: signal,
    appendLogs: (entries) => runtime.logs.append(entries),
    kv: createKvAccess(runtime.kv, execution.tenantId, now),
    storage: deps.storage,
    errorLogs: () => errorLinesSoFar(runtime.logs, executionId, () => unsavedLogs),
  };
  let driven;
  try {
    driven = await drive({
      scope, abortRun: kill.abort, flow, tasks: taskIndex(flow, deps.registry),
      execution: () => execution,
      stage: (change) => stage(withTaskRun(execution, change.taskRun), change.logs, change.taskRun.id),
      save: () => save(),
      settleChild: async (task, taskRun, retryAt) => {
        const render = (templates: Readonly<Record<string, unknown>>, childFlow: FlowRevision, child: Execution) =>
          renderDeep(templates, runVariables(childFlow, child), { functions }) as Record<string, unknown>;
        const settled = await settleChild(runtime, execution, task, taskRun, now(), render, retryAt);
        if (settled === undefined) return undefined;
        const logger = loggerOf(scope, execution, task, taskRun);
        if (settled.error !== undefined) logger.error(settled.error);
        if (settled.warning !== undefined) logger.warn(settled.warning);
        return { taskRun: settled.taskRun, logs: await logger.take() };
      },
    });
  } catch (error) {
    // drive stopped the way it stops for a shutdown, having saved what ended: a kill ends here.
    if (kill.killed && !jobSignal.aborted) return killed();
    throw error;
  }
  // Killed as the last task ended: the kill was answered 202, so it wins.
  if (kill.killed) return killed();
  if (driven.kind === 'waiting') {
    // Stored waiting first (RETRYING, PAUSED, or RUNNING through a Sleep), then queued for the
    // date: a crash in between leaves this job to be delivered again, which finds the execution
    // waiting and queues it again (the same date, one job). A pause without a date is woken by
    // the resume route, which queues it.
    if (execution.state.current !== driven.state) {
      stage({ ...execution, state: withState(execution.state, driven.state, now()) });
      await save(undefined, driven.state);
    }
    if (driven.until !== undefined) await runtime.queue.enqueue(executionId, { at: driven.until });
    return execution;
  }
  const state = driven.state;

  if (state !== 'SUCCESS' && state !== 'WARNING') return finish(state);
  if (flow.outputs.length === 0) return finish(state);
  let outputs: Record<string, unknown>;
  try {
    outputs = renderFlowOutputs(flow.outputs, runVariables(flow, execution), { functions });
  } catch (error) {
    return finish('FAILED', undefined, [logLine(error instanceof Error ? error.message : String(error))]);
  }
  return finish(state, outputs);
}

/**
 * The execution's ERROR lines: those stored and those staged for the next save (a task that just
 * failed, when an errors branch's runIf or flowable renders before that save). Taken before the
 * read and compared by date, task run and message, so a save in between counts no line twice.
 */
async function errorLinesSoFar(logs: Runtime['logs'], executionId: string, staged: () => readonly LogEntry[]): Promise<readonly LogEntry[]> {
  const pending = staged().filter((line) => line.level === 'ERROR');
  const stored = await logs.list(executionId, { minLevel: 'ERROR' });
  if (pending.length === 0) return stored;
  const keyOf = (line: LogEntry): string => JSON.stringify([line.timestamp, line.taskRunId ?? null, line.message]);
  const seen = new Set(stored.map(keyOf));
  return [...stored, ...pending.filter((line) => !seen.has(keyOf(line)))];
}

/** True when the execution went RUNNING since it was last RESTARTED (or ever, if never restarted). */
function ranSinceRestart(execution: Execution): boolean {
  const { histories } = execution.state;
  for (let i = histories.length - 1; i >= 0; i--) {
    const state = histories[i]?.state;
    if (state === 'RUNNING') return true;
    if (state === 'RESTARTED') return false;
  }
  return false;
}

// SECRET inputs are secrets too: mask their values in every line the run stores.
function rememberSecretInputs(flow: FlowRevision, execution: Execution, secrets: SecretReader): void {
  for (const input of flow.inputs) {
    const value = execution.inputs[input.id];
    if (input.type.toUpperCase() === 'SECRET' && typeof value === 'string') secrets.remember(value);
  }
}
