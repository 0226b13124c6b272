import { randomBytes } from 'node:crypto';
import { stringifyJson } from '@sluice/core';
import type { Execution, TaskRun } from '../model/execution.js';
import { deepFreeze } from '../support/deep-freeze.js';

// Every save stores the whole execution, and serializing it was the largest single cost of an
// execution with many task runs (26-29% of a ForEach over 1,000 values on SQLite, issue 17): each
// save serialized every task run again, though a save changes one or a few. The text of a task
// run is kept with the object (weakly: it goes with the object), so a save serializes the head
// and the task runs it changed, and joins the rest as text.
const taskRunText = new WeakMap<object, string>();

// The head is serialized with this in place of its task runs, then the list's text goes where it
// stands: key order, and so the text, stay exactly JSON.stringify's. Random per process, so no
// value inside the execution (a trigger body) can hold it.
const MARKER = `sluice-task-runs-${randomBytes(16).toString('hex')}`;
const MARKED = `"taskRunList":${JSON.stringify(MARKER)}`;

/**
 * The execution's JSON, exactly as `stringifyJson(execution)` writes it (integers beyond 2^53
 * included), made from the text of each task run kept from an earlier call when the same task
 * run object comes again. A task run is frozen (deeply) once its text is kept, so a change made
 * to it in place afterwards throws instead of leaving its kept text stale: changes make new task
 * run objects, as the executor's do.
 */
export function storedExecutionJson(execution: Execution): string {
  const list: unknown = execution.taskRunList;
  if (!Array.isArray(list)) return stringifyJson(execution);
  return executionJsonWith(execution, list.map(taskRunJson));
}

/**
 * The execution's JSON, exactly as `stringifyJson(execution)` writes it, made from `runs`, the
 * JSON of each of its task runs in the list's order (as {@link taskRunJsonOnce} makes them): for
 * a store that has those texts already and keeps the execution whole.
 */
export function executionJsonWith(execution: Execution, runs: readonly string[]): string {
  const head = stringifyJson({ ...execution, taskRunList: MARKER });
  const at = head.indexOf(MARKED);
  // Not there when the object serializes itself otherwise (a toJSON): no shortcut then.
  if (at < 0) return stringifyJson(execution);
  return `${head.slice(0, at)}"taskRunList":[${runs.join(',')}]${head.slice(at + MARKED.length)}`;
}

/**
 * The execution's head as the runtimes store it apart from its task runs: its JSON with an empty
 * `taskRunList`, which keeps the key where it stands, so the execution read back (the head with
 * its task runs put in the list) serializes as it did. Integers beyond 2^53 stay exact.
 */
export function storedHeadJson(execution: Execution): string {
  return stringifyJson(Array.isArray(execution.taskRunList) ? { ...execution, taskRunList: [] } : execution);
}

/**
 * A task run's JSON, as `stringifyJson` writes it, kept with the object as
 * {@link storedExecutionJson} keeps it: a task run saved before is not serialized again.
 */
export function storedTaskRunJson(run: TaskRun): string {
  return taskRunJson(run);
}

/**
 * A task run's JSON: the text kept from an earlier call when there is one, else made now and not
 * kept. For a text written once (a runtime storing task runs apart writes a changed task run, a
 * new object, once), where keeping it would cost a deep freeze of the task run for nothing.
 */
export function taskRunJsonOnce(run: TaskRun): string {
  return taskRunText.get(run) ?? stringifyJson(run);
}

function taskRunJson(run: TaskRun | unknown): string {
  // An array's hole or undefined is written null by JSON.stringify, as here.
  if (run === null || typeof run !== 'object') return stringifyJson(run) ?? 'null';
  let text = taskRunText.get(run);
  if (text === undefined) {
    text = stringifyJson(run);
    deepFreeze(run);
    taskRunText.set(run, text);
  }
  return text;
}
