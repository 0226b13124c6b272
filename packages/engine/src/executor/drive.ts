import { isFlowableTask } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { FlowRevision, FlowTask } from '../flow/flow.types.js';
import type { Execution, TaskRun } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { decide, type Action } from './decide.js';
import { liveRunIndex, type LiveRunIndex, type RunIndex, type TaskIndex } from './flow-tree.js';
import { planFlowable } from './plan-flowable.js';
import { withAhead } from './ahead.js';
import { isThenable } from './call-plugin.js';
import { attemptEnd, retryFor } from './retry-policy.js';
import type { RetryAt } from './subflow.js';
import { runAttempt } from './run-attempt.js';
import { errorLine, skipByRunIf, type TaskRunChange, type TaskRunScope } from './run-task.js';
import { endTaskRun, newTaskRun, startAttempt } from './task-runs.js';
import { endWait } from './waits.js';

/** What {@link drive} needs: the run's scope, and the executor's unit of work. */
export interface DriveOptions {
  /** The run's scope; every attempt listens to its `jobSignal`. */
  readonly scope: TaskRunScope;
  /**
   * Fires `scope.jobSignal` with `reason`: when a save fails (the store is down) the job ends
   * while attempts may still run, and none may run on beside the job's next delivery.
   */
  readonly abortRun: (reason: unknown) => void;
  readonly flow: FlowRevision;
  readonly tasks: TaskIndex;
  /** The execution with every change so far, saved or staged. */
  readonly execution: () => Execution;
  /** Puts a task run (and its log lines) in the execution, saved by the next `save`. */
  readonly stage: (change: TaskRunChange) => void;
  /** Stores every staged change, in one step; does nothing when nothing is staged. */
  readonly save: () => Promise<void>;
  /**
   * Starts or reads the execution a task run waits for (a Subflow's, see subflow.ts): the task
   * run's change once that execution ended (or could not start), undefined while it runs.
   */
  readonly settleChild: (task: FlowTask, taskRun: TaskRun, retryAt: RetryAt) => Promise<TaskRunChange | undefined>;
}

/**
 * How {@link drive} stopped: the tree ended in `state`, or it waits (for a retry, a Sleep, a
 * Pause) until `until`, or until resumed when `until` is absent; `state` is what the execution
 * shows meanwhile (PAUSED for a pause, RETRYING for retries alone, else RUNNING).
 */
export type DriveResult =
  | { readonly kind: 'ended'; readonly state: StateType }
  | { readonly kind: 'waiting'; readonly until?: Date; readonly state: StateType };

interface Settled {
  readonly id: string;
  readonly change?: TaskRunChange;
  readonly error?: unknown;
}

/**
 * Bounds on what runs of side-effect-free tasks may stage before a save stores it: a long run of
 * them (a ForEach over thousands of Log tasks) still shows its progress, and a crash repeats at
 * most this much of it. Changes are task runs' starts and ends; characters those of their lines.
 */
export const MAX_STAGED_CHANGES = 100;
export const MAX_STAGED_LOG_CHARS = 256 * 1024;

/** True when `task`'s plugin declares that running it has no effect outside the execution. */
function isSideEffectFree(scope: TaskRunScope, task: FlowTask): boolean {
  const definition = scope.registry.task(task.type)?.definition;
  return definition !== undefined && !isFlowableTask(definition) && definition.sideEffectFree === true;
}

/**
 * The applying loop: asks {@link decide} what to do, does it, and asks again, until the
 * execution's tree has ended; returns the state the execution ends in, or, when nothing runs and
 * every unfinished task run waits for a retry, the date the first one is due (having saved
 * everything: the caller queues the execution again for then and lets go of the job; a wait
 * never holds a worker). Plugins run only once
 * the save of their start is stored, several at once when the flow allows it (Parallel, ForEach
 * with a `concurrencyLimit`); their ends are staged as they come and saved with the next start,
 * or before waiting for the next end, so a crash repeats at most the attempts it cut short.
 * Tasks whose plugin declares `sideEffectFree` are the exception: their starts and ends stay
 * staged, with whatever was staged with them, until a task with effects starts, the tree waits
 * or ends (the caller saves the end), a task with effects ended, or the staged changes pass
 * {@link MAX_STAGED_CHANGES} or {@link MAX_STAGED_LOG_CHARS}. A crash before that save runs them
 * again, which nobody outside the execution can tell, and never repeats an effect.
 * Rejects with the job signal's reason when it fires, having saved what ended.
 */
export async function drive(options: DriveOptions): Promise<DriveResult> {
  try {
    return await loop(options);
  } catch (error) {
    // A save that failed (the store is down) ends the job while attempts may still run: abort
    // them, so none runs on beside the next delivery of the job.
    if (!options.scope.jobSignal.aborted) options.abortRun(error);
    throw error;
  }
}

async function loop(options: DriveOptions): Promise<DriveResult> {
  const { scope } = options;
  const signal = scope.jobSignal;
  // The attempts launched and not yet taken from `settledQueue`: a promise while one runs, its
  // outcome once it answered at once (see runAttempt), until the loop takes it.
  const inFlight = new Map<string, Promise<Settled> | Settled>();
  // The running attempts of tasks with effects (not side-effect-free): their starts were saved.
  const effectful = new Set<string>();
  // What is staged since the last save, to decide whether side-effect-free tasks may run on
  // without one: `stagedMustSave` once anything whose loss a crash must not repeat is staged (the
  // end of a task with effects, a child's end read).
  let stagedChanges = 0;
  let stagedLogChars = 0;
  let stagedMustSave = false;
  // The task runs by place, kept current with every change staged here rather than built again
  // over every task run each step (each step would cost O(task runs): O(n²) for a ForEach).
  let indexed: { list: readonly TaskRun[]; index: LiveRunIndex } | undefined;
  const stageRun = (change: TaskRunChange): void => {
    options.stage(change);
    if (indexed !== undefined) {
      indexed.index.put(change.taskRun);
      indexed.list = options.execution().taskRunList;
    }
  };
  // The index of the execution's task runs; built again only if they changed other than by a
  // change staged here (which `stage` does not do today: a guard, not a path).
  const currentRuns = (): RunIndex => {
    const list = options.execution().taskRunList;
    if (indexed === undefined || indexed.list !== list) indexed = { list, index: liveRunIndex(list) };
    return indexed.index;
  };
  const stage = (change: TaskRunChange, mustSave: boolean): void => {
    stageRun(change);
    let chars = 0;
    for (const line of change.logs) chars += line.message.length;
    stagedChanges += 1;
    stagedLogChars += chars;
    stagedMustSave ||= mustSave;
  };
  const save = async (): Promise<void> => {
    await options.save();
    stagedChanges = 0;
    stagedLogChars = 0;
    stagedMustSave = false;
  };
  // Whether side-effect-free work may go on with what is staged left unsaved.
  const mayDefer = (): boolean => !stagedMustSave && stagedChanges < MAX_STAGED_CHANGES && stagedLogChars < MAX_STAGED_LOG_CHARS;
  // Settled attempts wait here for the loop, in the order they settled. A queue rather than
  // Promise.race over every running attempt: each race would add a reaction to every pending
  // promise, so a ForEach running a thousand values at once would cost a million reactions.
  const settledQueue: Settled[] = [];
  let wake: (() => void) | undefined;
  // Waits for the next settled attempt; with `until` (epoch ms), at most until then, when a retry
  // falls due while other attempts run (the job holds its slot for those anyway).
  const nextSettled = async (until?: number): Promise<Settled | undefined> => {
    while (settledQueue.length === 0) {
      const left = until === undefined ? undefined : until - scope.now().getTime();
      if (left !== undefined && left <= 0) return undefined;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (left !== undefined) timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
    return takeSettled();
  };
  const takeSettled = (): Settled => {
    const settled = settledQueue.shift() as Settled;
    inFlight.delete(settled.id);
    return settled;
  };

  const launch = (task: FlowTask, taskRun: TaskRun, runs: RunIndex, pure: boolean) => {
    if (!pure) effectful.add(taskRun.id);
    const policy = retryFor(task, taskRun, options.tasks, runs, options.flow.extra.retry);
    let answered: TaskRunChange | Promise<TaskRunChange>;
    try {
      answered = runAttempt(scope, options.execution(), task, taskRun, policy);
    } catch (error) {
      answered = Promise.reject(error as Error);
    }
    if (!isThenable(answered)) {
      // Ended at once (see runAttempt): queued as settled, with nothing to wait for.
      const settled: Settled = { id: taskRun.id, change: answered };
      inFlight.set(taskRun.id, settled);
      settledQueue.push(settled);
      return;
    }
    const settled = answered.then(
      (change): Settled => ({ id: taskRun.id, change }),
      (error: unknown): Settled => ({ id: taskRun.id, error }),
    );
    inFlight.set(taskRun.id, settled);
    void settled.then((result) => {
      settledQueue.push(result);
      wake?.();
      wake = undefined;
    });
  };

  // Stops on the job's signal or a failure of the loop itself: the running attempts settle (the
  // signal aborted them), what ended is stored, and the job is delivered again later.
  const stop = async (error: unknown): Promise<never> => {
    await Promise.all(inFlight.values());
    for (const settled of settledQueue.splice(0)) if (settled.change) stageRun(settled.change);
    inFlight.clear();
    await save();
    throw error;
  };

  // Task runs whose child execution was found running in this run: not read again. Its end
  // queues this execution again, and that job runs once this one lets go (one job of an
  // execution runs at a time), so the end is read then.
  const childrenRunning = new Set<string>();

  for (;;) {
    // Checked between steps: a worker shutting down starts nothing new, and keeps what finished.
    if (signal.aborted) await stop(signal.reason);
    const runs = currentRuns();
    const actions = decide({ flow: options.flow, tasks: options.tasks, runs, running: new Set(inFlight.keys()) });
    const toRun: { task: FlowTask; taskRun: TaskRun; pure: boolean }[] = [];
    let changed = false;
    let wakeAt: Date | undefined;
    const waiting = new Set<StateType>();
    let cancelled = false;
    for (const action of actions) {
      if (action.kind === 'end-execution') {
        if (inFlight.size === 0) return { kind: 'ended', state: action.state };
        continue;
      }
      if (action.kind === 'retry' && action.at.getTime() > scope.now().getTime()) {
        if (wakeAt === undefined || action.at < wakeAt) wakeAt = action.at;
        waiting.add('RETRYING');
        continue;
      }
      if (action.kind === 'wait') {
        const due = waitDue(scope, options.execution(), action, scope.now()) ?? (action.taskRun.wait?.child && !childrenRunning.has(action.taskRun.id) ? await settle(options, save, action, runs) : undefined);
        if (due === undefined) {
          if (action.taskRun.wait?.child) childrenRunning.add(action.taskRun.id);
          if (action.at !== undefined && (wakeAt === undefined || action.at < wakeAt)) wakeAt = action.at;
          waiting.add(action.taskRun.wait?.pause ? 'PAUSED' : 'RUNNING');
          continue;
        }
        changed = true;
        stage(due, action.taskRun.wait?.child !== undefined);
        if (due.taskRun.state.current === 'CANCELLED') cancelled = true;
        continue;
      }
      changed = true;
      const applied = apply(options, stage, action);
      const started = isThenable(applied) ? await applied : applied;
      if (started) toRun.push(started);
    }
    if (cancelled) {
      // Kestra's Pause `behavior: CANCEL`: the execution ends CANCELLED at once; attempts still
      // running in other branches finish first, and what they did is kept.
      for (const settled of await Promise.all(inFlight.values())) if (settled.change) stageRun(settled.change);
      return { kind: 'ended', state: 'CANCELLED' };
    }
    if (toRun.length > 0) {
      // A start is saved before its plugin runs, so a crash mid-attempt is resumed as a new
      // attempt the store knows of; a side-effect-free task's start may wait for a later save.
      if (!(toRun.every((run) => run.pure) && mayDefer())) await save();
      for (const { task, taskRun, pure } of toRun) launch(task, taskRun, runs, pure);
      // When every action launched an attempt, deciding again now would find those running and
      // nothing else (one decision starts all a level has room for): wait for an end instead.
      // Any other action (a skip, a plan, a wait) may open more work: decide again.
      if (toRun.length < actions.length) continue;
    } else {
      if (changed) continue;
      if (inFlight.size === 0) {
        if (waiting.size > 0) {
          await save();
          const state = waiting.has('PAUSED') ? 'PAUSED' : waiting.has('RUNNING') ? 'RUNNING' : 'RETRYING';
          return { kind: 'waiting', ...(wakeAt === undefined ? {} : { until: wakeAt }), state };
        }
        // decide() always finds work or an end; reaching this is a bug, never a reason to spin.
        throw new Error(`executor: no progress possible for execution ${options.execution().id}`);
      }
    }
    // Ends staged so far are stored before waiting for more, unless only side-effect-free
    // attempts run (they end at once, and what is staged may wait with them).
    if (!(effectful.size === 0 && mayDefer())) await save();
    const first = settledQueue.length > 0 ? takeSettled() : await nextSettled(wakeAt?.getTime());
    if (first === undefined) continue;
    // With others still running, let those that settle in the same turn (tasks that return at
    // once) settle too, and stage them all: one save for a burst of ends, and the same number
    // of saves on every run.
    if (inFlight.size > 0) await new Promise((resolve) => setImmediate(resolve));
    for (let settled: Settled | undefined = first; settled; settled = settledQueue.length > 0 ? await nextSettled() : undefined) {
      const pure = !effectful.delete(settled.id);
      if (settled.change) stage(settled.change, !pure);
      else await stop(settled.error);
    }
  }
}

/**
 * Starts or reads a task run's child execution (see subflow.ts). Everything staged is saved
 * first: the request stored with the task run must be stored before the child starts, so a
 * crash in between starts it once (its id is derived from the task run).
 */
async function settle(options: DriveOptions, save: () => Promise<void>, action: Extract<Action, { kind: 'wait' }>, runs: RunIndex): Promise<TaskRunChange | undefined> {
  await save();
  const { task } = action;
  return options.settleChild(task, action.taskRun, (failed) => {
    const policy = retryFor(task, failed, options.tasks, runs, options.flow.extra.retry);
    return attemptEnd(task, policy, failed.attempts, 'FAILED', options.scope.random ?? Math.random).retryAt;
  });
}

/**
 * The end of a wait whose date has come, or undefined while it has not (or it waits for a
 * resume). A wait ended by the task's `timeout` says so in an ERROR line, as a runnable task's
 * timeout does: otherwise the task run would be FAILED with no reason in the logs.
 */
function waitDue(scope: TaskRunScope, execution: Execution, action: Extract<Action, { kind: 'wait' }>, now: Date): TaskRunChange | undefined {
  const wait = action.taskRun.wait;
  if (!wait || action.at === undefined || action.at.getTime() > now.getTime()) return undefined;
  const logs = wait.timeout === undefined ? [] : [errorLine(scope, execution, action.task, action.taskRun, engineErrors.TASK_TIMEOUT(action.task.id, wait.timeout).message)];
  return { taskRun: endWait(action.taskRun, { state: wait.onUntil, date: now }), logs };
}

/**
 * Applies one action; returns the runnable attempt to launch once its start is saved (`pure`
 * when its plugin is side-effect-free). What it stages are decisions (ends of flowables, plans,
 * skips, starts), which a crash before their save makes again: none forces a save.
 */
type Launchable = { task: FlowTask; taskRun: TaskRun; pure: boolean } | undefined;

function apply(options: DriveOptions, stageChange: (change: TaskRunChange, mustSave: boolean) => void, action: Exclude<Action, { kind: 'end-execution' | 'wait' }>): Launchable | Promise<Launchable> {
  const { scope } = options;
  const now = scope.now();
  const stage = (change: TaskRunChange) => stageChange(change, false);
  if (action.kind === 'end') {
    stage({ taskRun: endTaskRun(action.taskRun, action.state, action.taskRun.outputs, now), logs: [] });
    return undefined;
  }
  const execution = options.execution();
  const task = action.kind === 'start' ? action.slot.task : action.task;
  const taskRun = action.kind === 'start' ? newTaskRun(execution, task, now, action.slot) : action.taskRun;
  const definition = scope.registry.task(task.type)?.definition;
  const flowable = definition !== undefined && isFlowableTask(definition);
  // What runIf and a flowable's plan read of the stores, read now: at once when they read none.
  const ahead = action.kind === 'start' || flowable ? withAhead(scope, execution, task, taskRun) : scope;
  if (isThenable(ahead)) return ahead.then((taskScope) => applyIn(options, stage, action, taskScope, execution, task, taskRun, flowable, now));
  return applyIn(options, stage, action, ahead, execution, task, taskRun, flowable, now);
}

/** {@link apply} once what the task's templates read is read: `taskScope` holds it. */
function applyIn(options: DriveOptions, stage: (change: TaskRunChange) => void, action: Exclude<Action, { kind: 'end-execution' | 'wait' | 'end' }>, taskScope: TaskRunScope, execution: Execution, task: FlowTask, taskRun: TaskRun, flowable: boolean, now: Date): Launchable | Promise<Launchable> {
  const { scope } = options;
  if (action.kind === 'start') {
    const skipped = skipByRunIf(taskScope, execution, task, taskRun);
    if (skipped) {
      stage(skipped);
      return undefined;
    }
  }
  if (flowable) {
    return planFlowable(taskScope, execution, task, taskRun).then((plan) => {
      stage(plan);
      return undefined;
    });
  }
  const started = startAttempt(taskRun, now);
  stage({ taskRun: started, logs: [] });
  return { task, taskRun: started, pure: isSideEffectFree(scope, task) };
}
