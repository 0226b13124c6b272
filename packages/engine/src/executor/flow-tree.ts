import { isFlowableTask } from '@sluice/core';
import type { Flow, FlowTask } from '../flow/flow.types.js';
import { mapTasks } from '../flow/task-lists.js';
import type { TaskRun } from '../model/execution.js';
import type { PluginRegistry } from '../plugins/index.js';
import { isTerminated } from '../model/state.js';

/** Every task of a flow, at any depth (children of flowables, errors, finally), by id. */
export type TaskIndex = ReadonlyMap<string, FlowTask>;

const indexes = new WeakMap<Flow, TaskIndex>();

function add(task: FlowTask, registry: PluginRegistry, out: Map<string, FlowTask>): void {
  // Ids are unique in a flow (checked at save); the first wins if a stored flow broke that.
  if (!out.has(task.id)) out.set(task.id, task);
  const definition = registry.task(task.type)?.definition;
  if (definition && isFlowableTask(definition)) {
    mapTasks(definition.props, task.props, [], (child) => {
      add(child as FlowTask, registry, out);
      return child;
    });
  }
  for (const child of [...(task.errors ?? []), ...(task.finally ?? [])]) add(child, registry, out);
}

/** The tasks of `flow` by id, built once per flow revision object. */
export function taskIndex(flow: Flow, registry: PluginRegistry): TaskIndex {
  const cached = indexes.get(flow);
  if (cached) return cached;
  const out = new Map<string, FlowTask>();
  for (const task of [...flow.tasks, ...(flow.errors ?? []), ...(flow.finally ?? [])]) add(task, registry, out);
  indexes.set(flow, out);
  return out;
}

/**
 * The task runs of an execution by place in the tree: (parent task run, task id, value). This
 * is the identity of a task run across deliveries: a slot that has a run is never started again.
 */
export interface RunIndex {
  /** The run filling the slot, if any (the last one, should a broken store hold two). */
  find(parentTaskRunId: string | undefined, taskId: string, value: string | undefined): TaskRun | undefined;
  /** A run by id. */
  byId(id: string): TaskRun | undefined;
  /** How many runs the execution holds. */
  readonly size: number;
  /**
   * Counts the times a terminated run was replaced in its slot by another object (never, as the
   * executor works: an ended run is not changed while the index lives). What {@link decide}
   * remembers of ended branches holds while it stays the same. Absent: the index never changes.
   */
  readonly endedReplaced?: number;
  /**
   * The runs filed under a parent task run (undefined: the top level), in the order they were
   * filed: a run comes again when it is filed in another slot (never, as the executor works). The
   * list only grows while the index lives, so what {@link decide} read of it holds for its start.
   * Absent: decide walks every branch.
   */
  children?(parentTaskRunId: string | undefined): readonly TaskRun[];
}

/** A {@link RunIndex} kept up to date as task runs change, instead of built again each step. */
export interface LiveRunIndex extends RunIndex {
  /** Files `run`, replacing the run of the same id (whose place never changes), or adding it. */
  put(run: TaskRun): void;
}

/**
 * Indexes `runs`, so every lookup of a decision is O(1) rather than a scan; {@link LiveRunIndex.put}
 * keeps it current in O(1) per change. Slots are nested maps (parent, task id, value; no value
 * and '' are one slot), so a lookup allocates nothing.
 */
export function liveRunIndex(runs: readonly TaskRun[]): LiveRunIndex {
  const bySlot = new Map<string, Map<string, Map<string, TaskRun>>>();
  const byId = new Map<string, TaskRun>();
  const childrenOf = new Map<string, TaskRun[]>();
  let endedReplaced = 0;
  const put = (run: TaskRun): void => {
    const before = byId.get(run.id);
    if (before !== undefined && before !== run && isTerminated(before.state.current)) endedReplaced++;
    byId.set(run.id, run);
    const parent = run.parentTaskRunId ?? '';
    if (before === undefined || before.parentTaskRunId !== run.parentTaskRunId || before.taskId !== run.taskId || (before.value ?? '') !== (run.value ?? '')) {
      let children = childrenOf.get(parent);
      if (!children) childrenOf.set(parent, (children = []));
      children.push(run);
    }
    let tasks = bySlot.get(parent);
    if (!tasks) bySlot.set(parent, (tasks = new Map()));
    let values = tasks.get(run.taskId);
    if (!values) tasks.set(run.taskId, (values = new Map()));
    const key = run.value ?? '';
    const holder = values.get(key);
    if (holder !== undefined && holder !== run && holder !== before && isTerminated(holder.state.current)) endedReplaced++;
    values.set(key, run);
  };
  for (const run of runs) put(run);
  return {
    find: (parent, taskId, value) => bySlot.get(parent ?? '')?.get(taskId)?.get(value ?? ''),
    byId: (id) => byId.get(id),
    children: (parent) => childrenOf.get(parent ?? '') ?? [],
    get size() {
      return byId.size;
    },
    get endedReplaced() {
      return endedReplaced;
    },
    put,
  };
}

/** Indexes `runs` once, so every lookup of a decision is O(1) rather than a scan. */
export function runIndex(runs: readonly TaskRun[]): RunIndex {
  const live = liveRunIndex(runs);
  return { find: live.find, byId: live.byId, children: live.children, size: runs.length, endedReplaced: 0 };
}
