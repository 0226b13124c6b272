import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun, TaskRunPlan } from '../model/execution.js';
import { isTerminated, type StateType } from '../model/state.js';
import { failedState, stopsExecution, worstState } from './final-state.js';
import type { RunIndex, TaskIndex } from './flow-tree.js';

/** A place in the tree a task run fills: the task, its parent task run and its value. */
export interface Slot {
  readonly task: FlowTask;
  readonly parentTaskRunId?: string;
  readonly value?: string;
}

/** What the executor must do next; see {@link decide}. */
export type Action =
  /** Create the slot's task run and start it (a runnable runs its plugin; a flowable plans). */
  | { readonly kind: 'start'; readonly slot: Slot }
  /** A runnable task run stored unfinished and running nowhere (its worker died): a new attempt. */
  | { readonly kind: 'resume'; readonly task: FlowTask; readonly taskRun: TaskRun }
  /**
   * A runnable task run RETRYING: its next attempt starts at `at` (the caller compares with its
   * clock; until then the run holds its branch, so neither its siblings nor `errors` start).
   */
  | { readonly kind: 'retry'; readonly task: FlowTask; readonly taskRun: TaskRun; readonly at: Date }
  /**
   * A task run waiting (Pause, Sleep: see waits.ts) until `at`, or until resumed when `at` is
   * absent. Like a retry, it holds its branch; the caller ends the wait once `at` has come.
   */
  | { readonly kind: 'wait'; readonly task: FlowTask; readonly taskRun: TaskRun; readonly at?: Date }
  /** A flowable task run whose children (and errors, finally) all ended: end it in `state`. */
  | { readonly kind: 'end'; readonly task: FlowTask; readonly taskRun: TaskRun; readonly state: StateType }
  /** Every top-level task, errors and finally ended: end the execution in `state`. */
  | { readonly kind: 'end-execution'; readonly state: StateType };

/** What {@link decide} reads: the flow's tree and the execution's task runs, nothing else. */
export interface DecisionInput {
  /** The flow's top-level lists. */
  readonly flow: { readonly tasks: readonly FlowTask[]; readonly errors?: readonly FlowTask[]; readonly finally?: readonly FlowTask[] };
  /** Every task of the flow by id (children of flowables found through their plans). */
  readonly tasks: TaskIndex;
  /** The execution's task runs by place. */
  readonly runs: RunIndex;
  /** Ids of the task runs whose plugin runs now, in this process: wait for them. */
  readonly running: ReadonlySet<string>;
}

interface Branch {
  readonly value: string | undefined;
  readonly tasks: readonly FlowTask[];
  /** Task ids that must have ended before the branch starts. */
  readonly after: readonly string[];
}

/** A level of the tree: the flow itself, or one flowable task run and its plan. */
interface Container {
  readonly runId: string | undefined;
  readonly value: string | undefined;
  readonly branches: readonly Branch[];
  /** Branches at once; 0: all. */
  readonly concurrency: number;
  readonly errors: readonly FlowTask[];
  readonly finally: readonly FlowTask[];
  /** The state the flowable's own wait ended in (see `TaskRunPlan.own`), counted with its children's. */
  readonly own?: StateType;
}

type BranchState =
  | { readonly status: 'done' | 'failed' | 'busy'; readonly states: readonly StateType[] }
  | { readonly status: 'next'; readonly start: Slot; readonly started: boolean; readonly states: readonly StateType[] };

/**
 * The next actions for an execution, from its flow and task runs alone: no store, no clock, no
 * plugin. Kestra's rules, read from the tree each time, so a crash loses no cursor:
 * - a list of tasks (a branch) runs in order; a task run FAILED or KILLED stops it;
 * - a level runs its branches `concurrency` at once; once one failed, nothing new starts there,
 *   and when the running ones ended its `errors` run, in order;
 * - then its `finally` runs, in order, whatever happened;
 * - then the level ends in the worst state of its `tasks` branches (KILLED > FAILED > WARNING >
 *   PAUSED > SUCCESS); failures inside errors or finally do not change it, as in Kestra;
 *   a flowable's `allowFailure` (plan or envelope) turns FAILED into WARNING.
 * - a task run RETRYING holds its branch like a running one: a `retry` action says when its
 *   next attempt starts (Kestra: "every failed run will still be retried → wait").
 * Returns nothing while every unfinished task run is in `running`: the caller waits for one.
 */
export function decide(input: DecisionInput): readonly Action[] {
  const actions: Action[] = [];
  const { flow } = input;
  const root: Container = {
    runId: undefined, value: undefined, branches: [{ value: undefined, tasks: flow.tasks, after: [] }], concurrency: 1,
    errors: flow.errors ?? [], finally: flow.finally ?? [],
  };
  const state = walk(input, root, actions);
  if (state !== undefined) actions.push({ kind: 'end-execution', state });
  return actions;
}

/** The state a flowable ends in, from the worst state of its children. */
export function flowableEndState(task: FlowTask, plan: TaskRunPlan, children: StateType): StateType {
  if (children !== 'FAILED') return children;
  return plan.allowFailure ? 'WARNING' : failedState(task);
}

/**
 * The leading branches of a level found done (every task ended, none stopping it) under one
 * index of the runs, and the worst state among theirs. Runs that ended do not change while an
 * index lives (`endedReplaced` says if they did), so those branches stay done: the next step
 * walks from the first one that was not, rather than over every branch (a ForEach over 1,000
 * values walked 1,000 branches per step).
 */
interface DonePrefix {
  readonly endedReplaced: number;
  readonly done: number;
  readonly worst: StateType;
}

const donePrefixes = new WeakMap<RunIndex, WeakMap<Container, DonePrefix>>();

function donePrefixOf(runs: RunIndex, level: Container): DonePrefix | undefined {
  const known = donePrefixes.get(runs)?.get(level);
  return known !== undefined && known.endedReplaced === (runs.endedReplaced ?? 0) ? known : undefined;
}

function rememberDonePrefix(runs: RunIndex, level: Container, prefix: DonePrefix): void {
  let byLevel = donePrefixes.get(runs);
  if (byLevel === undefined) donePrefixes.set(runs, (byLevel = new WeakMap()));
  byLevel.set(level, prefix);
}

/**
 * How far into a level's branches runs were filed, under one index of the runs: `seen` of the
 * parent's children read (see `RunIndex.children`), and the last branch one of them fills.
 */
interface Frontier {
  readonly seen: number;
  readonly last: number;
}

const frontiers = new WeakMap<RunIndex, WeakMap<Container, Frontier>>();

/**
 * The branch of a level each slot (task id, then value; no value and '' are one slot, as in the
 * index) belongs to, the last one should two branches share one; undefined when a branch has no
 * task that runs (such a branch is done without a run, so a branch without runs is not always
 * one waiting to start).
 */
const slotsOfLevel = new WeakMap<Container, ReadonlyMap<string, ReadonlyMap<string, number>> | undefined>();

function slotsOf(level: Container): ReadonlyMap<string, ReadonlyMap<string, number>> | undefined {
  if (slotsOfLevel.has(level)) return slotsOfLevel.get(level);
  let slots: Map<string, Map<string, number>> | undefined = new Map();
  for (let i = 0; i < level.branches.length && slots !== undefined; i++) {
    const branch = level.branches[i] as Branch;
    if (!branch.tasks.some((task) => !task.disabled)) slots = undefined;
    else for (const task of branch.tasks) {
      let values = slots.get(task.id);
      if (!values) slots.set(task.id, (values = new Map()));
      values.set(branch.value ?? level.value ?? '', i);
    }
  }
  slotsOfLevel.set(level, slots);
  return slots;
}

/**
 * The first branch from which no branch of the level has a run in any of its slots: each of
 * those waits to start, and walking it would find only that. A ForEach run one value at a time
 * has up to 999 of them, walked every step (24% of its CPU per task run, issue 17); the
 * children of the level filed since the last step say how far runs reach now.
 */
function unstartedFrom(input: DecisionInput, level: Container): number {
  const all = level.branches.length;
  // The top level has one branch, and no plan object to keep what was read with.
  if (level.runId === undefined || input.runs.children === undefined) return all;
  const slots = slotsOf(level);
  if (slots === undefined) return all;
  const children = input.runs.children(level.runId);
  let byLevel = frontiers.get(input.runs);
  const known = byLevel?.get(level);
  let last = known?.last ?? -1;
  for (let i = known?.seen ?? 0; i < children.length; i++) {
    const run = children[i] as TaskRun;
    const at = slots.get(run.taskId)?.get(run.value ?? '');
    if (at !== undefined && at > last) last = at;
  }
  if (byLevel === undefined) frontiers.set(input.runs, (byLevel = new WeakMap()));
  byLevel.set(level, { seen: children.length, last });
  return last + 1;
}

function walk(input: DecisionInput, level: Container, actions: Action[]): StateType | undefined {
  // A wait that ended FAILED is a failure of the level itself: no branch starts, its errors run.
  const stoppedByOwn = level.own !== undefined && stopsExecution(level.own);
  const known = stoppedByOwn ? undefined : donePrefixOf(input.runs, level);
  const from = known?.done ?? 0;
  const results: BranchState[] = [];
  // Branches from `unstarted` on wait to start: walked only as far as they may start now.
  const unstarted = stoppedByOwn ? level.branches.length : Math.max(from, unstartedFrom(input, level));
  if (stoppedByOwn) results.push({ status: 'failed', states: [] });
  else for (let i = from; i < unstarted; i++) {
    const branch = level.branches[i] as Branch;
    results.push(walkBranch(input, level.runId, branch.tasks, branch.value ?? level.value, actions));
  }
  const waitingToStart = level.branches.length > unstarted;
  if (!stoppedByOwn) {
    let done = from;
    const prefixStates: StateType[] = known === undefined ? [] : [known.worst];
    for (let result = results[0]; result?.status === 'done'; result = results[done - from]) {
      prefixStates.push(...result.states);
      done++;
    }
    if (done > from) rememberDonePrefix(input.runs, level, { endedReplaced: input.runs.endedReplaced ?? 0, done, worst: worstState(prefixStates) });
  }
  // The skipped done branches count with their worst state (worstState keeps the worst only).
  const states = [...(level.own === undefined ? [] : [level.own]), ...(known === undefined ? [] : [known.worst]), ...results.flatMap((result) => result.states)];
  const finallyStarted = level.finally.some((task) => input.runs.find(level.runId, task.id, level.value) !== undefined);
  if (!finallyStarted) {
    const failed = results.some((result) => result.status === 'failed');
    if (!failed) {
      if (waitingToStart || results.some((result) => result.status === 'busy' || result.status === 'next')) {
        startBranches(input, level, results, from, unstarted, actions);
        return undefined;
      }
    } else {
      // Siblings still running finish first: errors see every failure.
      if (results.some((result) => result.status === 'busy')) return undefined;
      const errors = walkBranch(input, level.runId, level.errors, level.value, actions);
      if (errors.status === 'next') actions.push({ kind: 'start', slot: errors.start });
      if (errors.status === 'next' || errors.status === 'busy') return undefined;
    }
  }
  const closing = walkBranch(input, level.runId, level.finally, level.value, actions);
  if (closing.status === 'next') actions.push({ kind: 'start', slot: closing.start });
  if (closing.status === 'next' || closing.status === 'busy') return undefined;
  return worstState(states);
}

// A branch already under way goes on; a new one starts only within the level's concurrency,
// and once every task it waits for has ended.
// `results` are those of the branches from `from` on (the ones before are done) up to
// `unstarted`; the branches from there on have no run (so take no place), and are walked only
// while the level has room for one more.
function startBranches(input: DecisionInput, level: Container, results: readonly BranchState[], from: number, unstarted: number, actions: Action[]): void {
  let occupied = results.filter((r) => r.status === 'busy' || (r.status === 'next' && r.started)).length;
  const hasRoom = () => level.concurrency === 0 || occupied < level.concurrency;
  const consider = (result: BranchState, branch: Branch): void => {
    if (result.status !== 'next') return;
    const ready = () => branch.after.every((id) => {
      const run = input.runs.find(level.runId, id, branch.value ?? level.value);
      return run !== undefined && isTerminated(run.state.current);
    });
    if (result.started) {
      actions.push({ kind: 'start', slot: result.start });
    } else if (hasRoom() && ready()) {
      actions.push({ kind: 'start', slot: result.start });
      occupied += 1;
    }
  };
  results.forEach((result, i) => consider(result, level.branches[from + i] as Branch));
  for (let i = unstarted; i < level.branches.length && hasRoom(); i++) {
    const branch = level.branches[i] as Branch;
    consider(walkBranch(input, level.runId, branch.tasks, branch.value ?? level.value, actions), branch);
  }
}

/**
 * The leading tasks of a branch found ended (none stopping it) under one index of the runs: the
 * index of the first task not known ended, whether any had a run, and the worst of their states.
 * Ended runs do not change while an index lives (see {@link DonePrefix}), so the next step walks
 * the branch from there: walking it from its first task every step cost a flow of n tasks in a
 * row n²/2 look-ups (the ten-task flow's decisions, issue 17).
 */
interface BranchPrefix {
  readonly endedReplaced: number;
  readonly next: number;
  readonly started: boolean;
  readonly worst: StateType | undefined;
}

// By index, then task list, parent task run and value: a ForEach's branches share one list.
const branchPrefixes = new WeakMap<RunIndex, WeakMap<readonly FlowTask[], Map<string | undefined, Map<string | undefined, BranchPrefix>>>>();

function branchPrefixOf(runs: RunIndex, tasks: readonly FlowTask[], parentId: string | undefined, value: string | undefined): BranchPrefix | undefined {
  const known = branchPrefixes.get(runs)?.get(tasks)?.get(parentId)?.get(value);
  return known !== undefined && known.endedReplaced === (runs.endedReplaced ?? 0) ? known : undefined;
}

function rememberBranchPrefix(runs: RunIndex, tasks: readonly FlowTask[], parentId: string | undefined, value: string | undefined, prefix: BranchPrefix): void {
  let byTasks = branchPrefixes.get(runs);
  if (byTasks === undefined) branchPrefixes.set(runs, (byTasks = new WeakMap()));
  let byParent = byTasks.get(tasks);
  if (byParent === undefined) byTasks.set(tasks, (byParent = new Map()));
  let byValue = byParent.get(parentId);
  if (byValue === undefined) byParent.set(parentId, (byValue = new Map()));
  byValue.set(value, prefix);
}

function walkBranch(input: DecisionInput, parentId: string | undefined, tasks: readonly FlowTask[], value: string | undefined, actions: Action[]): BranchState {
  const known = branchPrefixOf(input.runs, tasks, parentId, value);
  // The ended tasks skipped count with their worst state (worstState keeps the worst only).
  const states: StateType[] = known?.worst === undefined ? [] : [known.worst];
  let started = known?.started ?? false;
  const from = known?.next ?? 0;
  // Remembers the tasks before `next` as ended, when this walk got further than the last; from
  // the second task on (a one-task flow's last step would keep maps it never reads).
  const remember = (next: number): void => {
    if (next > from && next >= 2) rememberBranchPrefix(input.runs, tasks, parentId, value, { endedReplaced: input.runs.endedReplaced ?? 0, next, started, worst: states.length === 0 ? undefined : worstState(states) });
  };
  for (let i = from; i < tasks.length; i++) {
    const task = tasks[i] as FlowTask;
    if (task.disabled) continue;
    const run = input.runs.find(parentId, task.id, value);
    if (!run) {
      remember(i);
      const start: Slot = { task, ...(parentId === undefined ? {} : { parentTaskRunId: parentId }), ...(value === undefined ? {} : { value }) };
      return { status: 'next', start, started, states };
    }
    const current = run.state.current;
    if (isTerminated(current)) {
      started = true;
      states.push(current);
      if (stopsExecution(current)) return { status: 'failed', states };
      continue;
    }
    remember(i);
    started = true;
    visitUnfinished(input, task, run, actions);
    return { status: 'busy', states };
  }
  remember(tasks.length);
  return { status: 'done', states };
}

function visitUnfinished(input: DecisionInput, task: FlowTask, run: TaskRun, actions: Action[]): void {
  if (run.state.current === 'RETRYING') {
    // A run stored RETRYING without its date (written by hand) is retried at once.
    actions.push({ kind: 'retry', task, taskRun: run, at: new Date(run.retryAt ?? 0) });
  } else if (run.wait) {
    actions.push({ kind: 'wait', task, taskRun: run, ...(run.wait.until === undefined ? {} : { at: new Date(run.wait.until) }) });
  } else if (run.plan) {
    const ended = walk(input, containerOf(input, task, run, run.plan), actions);
    if (ended !== undefined) actions.push({ kind: 'end', task, taskRun: run, state: flowableEndState(task, run.plan, ended) });
  } else if (!input.running.has(run.id)) {
    actions.push({ kind: 'resume', task, taskRun: run });
  }
}

/** A container and what it was built from, so a later step can tell it still applies. */
interface BuiltContainer {
  readonly task: FlowTask;
  readonly tasks: DecisionInput['tasks'];
  readonly runId: string;
  readonly value: string | undefined;
  readonly container: Container;
}

// Every step decides over the whole tree again, and a ForEach's level is its plan's branches:
// building that level anew each step cost a pass over every value per step (9-11% of a ForEach
// over 1,000 values, measured for issue 17). A plan object is never changed once made (a new
// plan is a new object), so the level built from it is kept as long as the plan lives.
const containers = new WeakMap<TaskRunPlan, BuiltContainer>();

function containerOf(input: DecisionInput, task: FlowTask, run: TaskRun, plan: TaskRunPlan): Container {
  const built = containers.get(plan);
  if (built !== undefined && built.task === task && built.tasks === input.tasks && built.runId === run.id && built.value === run.value) return built.container;
  const container = buildContainer(input, task, run, plan);
  containers.set(plan, { task, tasks: input.tasks, runId: run.id, value: run.value, container });
  return container;
}

function buildContainer(input: DecisionInput, task: FlowTask, run: TaskRun, plan: TaskRunPlan): Container {
  const byId = (id: string) => input.tasks.get(id);
  return {
    runId: run.id,
    value: run.value,
    branches: plan.branches.map((branch) => ({
      value: branch.value,
      tasks: branch.taskIds.map(byId).filter((t): t is FlowTask => t !== undefined),
      after: branch.after ?? [],
    })),
    concurrency: plan.concurrency,
    errors: task.errors ?? [],
    finally: task.finally ?? [],
    ...(plan.own === undefined ? {} : { own: plan.own }),
  };
}
