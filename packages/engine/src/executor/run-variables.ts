import { labelsVariable } from '../execution/labels.js';
import type { FlowRevision } from '../flow/flow.types.js';
import type { Execution, Label, TaskRun } from '../model/execution.js';
import { deepFreeze } from '../support/deep-freeze.js';
import { isTerminated, isTerminatedWithoutFailure, startDateOf } from '../model/state.js';
import { taskRunOf } from './task-runs.js';

type Json = Record<string, unknown>;

/**
 * The iteration values that address a task run's outputs, outermost first: the value of every
 * ancestor link where an iterating flowable (a plan with valued branches) gave it one. A run
 * directly under a ForEach gives `[value]`, one under a ForEach nested in another `[outer, inner]`.
 */
function iterationPath(run: TaskRun, byId: ReadonlyMap<string, TaskRun>): string[] {
  const path: string[] = [];
  let current: TaskRun | undefined = run;
  while (current?.parentTaskRunId !== undefined) {
    const parent = byId.get(current.parentTaskRunId);
    if (parent?.plan?.branches.some((b) => b.value !== undefined) && current.value !== undefined) path.unshift(current.value);
    current = parent;
  }
  return path;
}

function setAt(target: Json, key: string, path: readonly string[], value: unknown): void {
  if (path.length === 0) {
    target[key] = value;
    return;
  }
  let node = (typeof target[key] === 'object' && target[key] !== null ? target[key] : (target[key] = {})) as Json;
  path.slice(0, -1).forEach((step) => {
    node = (typeof node[step] === 'object' && node[step] !== null ? node[step] : (node[step] = {})) as Json;
  });
  node[path[path.length - 1] as string] = value;
}

/** Kestra's `parents`: the ancestors, closest first, each with its value and outputs when it has them. */
function parentsOf(run: TaskRun, runs: readonly TaskRun[]): Json[] {
  const parents: Json[] = [];
  let current = run.parentTaskRunId === undefined ? undefined : taskRunOf(runs, run.parentTaskRunId);
  while (current) {
    const entry: Json = {};
    if (current.value !== undefined) entry.taskrun = { value: current.value };
    if (Object.keys(current.outputs).length > 0) entry.outputs = current.outputs;
    if (Object.keys(entry).length > 0) parents.push(entry);
    current = current.parentTaskRunId === undefined ? undefined : taskRunOf(runs, current.parentTaskRunId);
  }
  return parents;
}

/**
 * `variables` with `outputs` and `tasks` computed on first read, from `execution` (never changed
 * in place: the executor makes a new execution per change, so a value computed late is the one
 * computed at once). Both are built over every task run: building them for every task rendered,
 * most of which never read them, made each task run of a ForEach over 1,000 values cost O(task
 * runs) (28% of its CPU, issue 17). The proxy only decides when the two data properties are
 * filled in: every read (the evaluator's own-data-property reads, a spread, `Object.keys`) sees
 * the plain object with them filled, so it opens no path a plain object does not.
 */
function withLazyOutputs(variables: Json, execution: Execution): Json {
  let filled = false;
  const fill = (target: Json): void => {
    if (filled) return;
    filled = true;
    const { outputs, tasks } = outputsAndTasks(execution);
    target.outputs = outputs;
    target.tasks = tasks;
  };
  const touch = (target: Json, key: string | symbol): void => {
    if (key === 'outputs' || key === 'tasks') fill(target);
  };
  return new Proxy(variables, {
    get(target, key, receiver) {
      touch(target, key);
      return Reflect.get(target, key, receiver) as unknown;
    },
    getOwnPropertyDescriptor(target, key) {
      touch(target, key);
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    // A write fills them first, so a value written is never overwritten by the late fill.
    set(target, key, value, receiver) {
      touch(target, key);
      return Reflect.set(target, key, value, receiver);
    },
    defineProperty(target, key, descriptor) {
      touch(target, key);
      return Reflect.defineProperty(target, key, descriptor);
    },
    deleteProperty(target, key) {
      touch(target, key);
      return Reflect.deleteProperty(target, key);
    },
  });
}

// Every task run of an execution renders with the same list of labels: its nested map is made
// once per list, and frozen, since every render shares it.
const labelMaps = new WeakMap<readonly Label[], Record<string, unknown>>();
function labelsOf(labels: readonly Label[]): Record<string, unknown> {
  let map = labelMaps.get(labels);
  if (map === undefined) {
    map = deepFreeze(labelsVariable(labels));
    labelMaps.set(labels, map);
  }
  return map;
}

/**
 * The variables a task's templates see, after Kestra's `RunVariables`: `flow`, `execution`,
 * `task`, `taskrun` (with `value` and `parentId` inside a flowable), `parent` and `parents`,
 * `inputs`, `outputs` (by task id, finished task runs and running flowables only; runs of an iteration under their
 * values, `outputs.<taskId>[<value>]`), `tasks` (their states, `tasks.<id>[<value>].state` for
 * iterations), `trigger` (the trigger's variables, absent for API starts), `labels` (a nested
 * map) and `vars` (the flow's variables, not rendered). `envs` and `globals` are not offered yet.
 */
export function runVariables(flow: FlowRevision, execution: Execution, task?: { id: string; type: string }, taskRun?: TaskRun): Record<string, unknown> {
  return withLazyOutputs(variablesOf(flow, execution, task, taskRun, true), execution);
}

/**
 * {@link runVariables} without `outputs` and `tasks`, as a plain object: for templates that
 * cannot read them (see {@link mentionsOutputs}). Reading either is then an error, never a
 * silent null. A proxy's traps on every variable a template reads, and the proxy itself, were a
 * measurable part of a Log task's cost (issue 17: the ten-task flow).
 */
export function variablesWithoutOutputs(flow: FlowRevision, execution: Execution, task?: { id: string; type: string }, taskRun?: TaskRun): Record<string, unknown> {
  return variablesOf(flow, execution, task, taskRun, false);
}

// Per task: its templates do not change, so each is read once.
const outputsMentions = new WeakMap<object, boolean>();

/**
 * Whether templates among `task`'s props or `runIf` may read `outputs` or `tasks`: they name one
 * of them, or call `render()`, which renders text from data that may. A template reaches the
 * root variables only by name (there is no dynamic access to them), so one that names neither
 * cannot read them. Text that merely contains the words ("tasks done") counts too: the check
 * may only err on the side of offering them.
 */
export function mentionsOutputs(task: { readonly props: unknown; readonly runIf?: string }): boolean {
  let found = outputsMentions.get(task);
  if (found === undefined) {
    const text = JSON.stringify([task.props, task.runIf ?? null]);
    found = text.includes('outputs') || text.includes('tasks') || text.includes('render');
    outputsMentions.set(task, found);
  }
  return found;
}

function variablesOf(flow: FlowRevision, execution: Execution, task: { id: string; type: string } | undefined, taskRun: TaskRun | undefined, withOutputs: boolean): Json {
  // Built key by key in one order, not with spreads of optional parts: a spread copies an
  // object through the runtime, and this is made for every task run rendered.
  const variables: Json = {
    flow: { id: flow.id, namespace: flow.namespace, revision: flow.revision, tenantId: flow.tenantId },
    execution: { id: execution.id, startDate: startDateOf(execution.state), originalId: execution.id, state: execution.state.current },
  };
  if (task) variables.task = { id: task.id, type: task.type };
  if (taskRun) {
    const taskrun: Json = { id: taskRun.id, startDate: startDateOf(taskRun.state), attemptsCount: endedAttempts(taskRun) };
    if (taskRun.value !== undefined) taskrun.value = taskRun.value;
    if (taskRun.parentTaskRunId !== undefined) taskrun.parentId = taskRun.parentTaskRunId;
    variables.taskrun = taskrun;
    if (taskRun.parentTaskRunId !== undefined) {
      const parents = parentsOf(taskRun, execution.taskRunList);
      if (parents.length > 0) {
        variables.parents = parents;
        variables.parent = parents[0];
      }
    }
  }
  variables.inputs = execution.inputs;
  if (withOutputs) {
    // Filled on first read (see withLazyOutputs); here, so that they keep their place among the keys.
    variables.outputs = undefined;
    variables.tasks = undefined;
  }
  if (execution.trigger) variables.trigger = execution.trigger.variables;
  variables.labels = labelsOf(execution.labels);
  variables.vars = flow.variables;
  return variables;
}

/**
 * The execution's `outputs` and `tasks` variables (see {@link runVariables}): what its templates
 * read, and what a Flow trigger renders its inputs with when an execution ends.
 */
export function outputsAndTasks(execution: Execution, byId = new Map(execution.taskRunList.map((run) => [run.id, run]))): { outputs: Json; tasks: Json } {
  const outputs: Json = {};
  const tasks: Json = {};
  for (const run of execution.taskRunList) {
    const path = iterationPath(run, byId);
    setAt(tasks, run.taskId, path, { state: run.state.current });
    // A running flowable's outputs are known from its start (If's evaluationResult, Switch's
    // value), so its children read them, as in Kestra.
    if (isTerminatedWithoutFailure(run.state.current) || (run.plan && run.state.current === 'RUNNING')) setAt(outputs, run.taskId, path, run.outputs);
  }
  return { outputs, tasks };
}

// Kestra's `taskrun.attemptsCount`: the attempts made before the one running (0 on the first),
// so `attemptsCount == 3` holds on the fourth attempt, as Kestra's retry examples count.
const endedAttempts = (taskRun: TaskRun): number => {
  let ended = 0;
  for (const attempt of taskRun.attempts) if (isTerminated(attempt.state.current)) ended++;
  return ended;
};
