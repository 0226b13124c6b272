import type { Redis } from 'ioredis';
import { parseJson } from '@sluice/core';
import { storedHeadJson, storedTaskRunJson, taskRunChanges, type Execution, type TaskRun } from '@sluice/engine';
import { jsonOf } from './stored-json.js';

// An execution is a hash: `h` its head (the execution with an empty `taskRunList`, which keeps
// the key where it stands), `t:<taskRunId>` each task run as `<position>|<json>`, so a save writes
// the task runs it changed and not every other one again (issue 17: the whole execution written
// by every save made a ForEach's storage grow with the square of its task runs). Each text is
// the engine's stringifyJson, so integers beyond 2^53 stay exact. A key still holding a string
// (an execution stored before this layout) is read as the whole JSON, and written whole by its
// next save.

/** The field of the head in the execution's hash. */
export const HEAD_FIELD = 'h';
/** The field of a task run in the execution's hash. */
const field = (id: string): string => `t:${id}`;
/** The value of a task run's field: its place in the list, then its JSON. */
const value = (position: number, json: string): string => `${position}|${json}`;

/** What a save or a create writes: the head and the task runs' field, value pairs. */
export interface TaskRunFields {
  readonly head: string;
  readonly pairs: readonly string[];
  /** Every task run (the hash is replaced), or only those changed. */
  readonly whole: boolean;
}

/**
 * The fields a save of `execution` writes: with `taskRuns` (the ids changed), the head and those
 * task runs; else, or when one named is no longer in the list, every task run (the whole hash),
 * so the stored places stay those of the list, without gaps.
 */
export function taskRunFields(execution: Execution, taskRuns: readonly string[] | undefined, serialize: (run: TaskRun) => string): TaskRunFields {
  const head = storedHeadJson(execution);
  if (taskRuns !== undefined) {
    const changes = taskRunChanges(execution, taskRuns);
    if (changes.every((change) => change.run !== undefined)) {
      return { head, whole: false, pairs: changes.flatMap((change) => (change.run === undefined ? [] : [field(change.id), value(change.position, serialize(change.run))])) };
    }
  }
  return { head, whole: true, pairs: execution.taskRunList.flatMap((run, position) => [field(run.id), value(position, serialize(run))]) };
}

/**
 * What a conditional write compares with the stored execution: its whole JSON (for a key still
 * holding a string), its head and every task run's field. The text a job carried is reused for
 * an execution parsed from it.
 */
export function expectedArgs(expected: Execution): { whole: string; head: string; pairs: string[] } {
  const whole = jsonOf(expected);
  if (expected.taskRunList.length === 0) return { whole, head: whole, pairs: [] };
  const { head, pairs } = taskRunFields(expected, undefined, storedTaskRunJson);
  return { whole, head, pairs: [...pairs] };
}

/**
 * What a conditional save sends of the execution it expects, as the save script's `given`,
 * `whole`, `head` and pairs: its text once. Without task runs the whole JSON is the head, to the
 * byte, so it goes once as the head (`h`) rather than twice (the worker's first save of every
 * execution its job carried: the bench's is a kilobyte less on the wire and through Redis). With
 * task runs the whole JSON is left out (`n`), as only a key stored before the hash layout needs
 * it: the script answers -3 for such a key, and {@link expectedArgs} sends it then.
 */
export function expectedSaveArgs(expected: Execution): { given: 'h' | 'n'; whole: string; head: string; pairs: string[] } {
  if (expected.taskRunList.length === 0) return { given: 'h', whole: '', head: jsonOf(expected), pairs: [] };
  const { head, pairs } = taskRunFields(expected, undefined, storedTaskRunJson);
  return { given: 'n', whole: '', head, pairs: [...pairs] };
}

/** The execution of a hash's fields; undefined for none (no such key). */
function fromFields(fields: Record<string, string>): Execution | undefined {
  const head = fields[HEAD_FIELD];
  if (head === undefined) return undefined;
  const runs: [number, string][] = [];
  for (const [name, text] of Object.entries(fields)) {
    if (!name.startsWith('t:')) continue;
    const bar = text.indexOf('|');
    runs.push([Number(text.slice(0, bar)), text.slice(bar + 1)]);
  }
  const execution = parseJson(head) as Execution;
  if (runs.length === 0) return execution;
  runs.sort((a, b) => a[0] - b[0]);
  return { ...execution, taskRunList: runs.map(([, json]) => parseJson(json) as TaskRun) };
}

/** True for Redis's refusal of a command on a key of another type. */
export const wrongType = (error: unknown): boolean => error instanceof Error && error.message.startsWith('WRONGTYPE');

/** Reads an execution of either layout (a save may turn a string into a hash between two reads). */
export async function readExecution(client: Redis, key: string): Promise<Execution | undefined> {
  for (let tries = 1; ; tries++) {
    try {
      return fromFields(await client.hgetall(key));
    } catch (error) {
      if (!wrongType(error)) throw error;
    }
    try {
      const json = await client.get(key);
      return json === null ? undefined : (parseJson(json) as Execution);
    } catch (error) {
      // Neither a hash nor a string, twice over: not an execution's key.
      if (!wrongType(error) || tries >= 2) throw error;
    }
  }
}

/** Reads executions in one pipeline; those of the older layout after it. Undefined for a missing one. */
export async function readExecutions(client: Redis, keys: readonly string[]): Promise<(Execution | undefined)[]> {
  const replies = (await client.pipeline(keys.map((key) => ['hgetall', key])).exec()) ?? [];
  return Promise.all(replies.map(async ([error, fields], i) => {
    if (error === null) return fromFields(fields as Record<string, string>);
    if (!wrongType(error)) throw error;
    return readExecution(client, keys[i] as string);
  }));
}
