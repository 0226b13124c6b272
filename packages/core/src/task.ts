import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { TASK_BRAND, BRAND_KEY } from './brand.js';
import type { TaskContext } from './context.js';
import type { PluginExample } from './example.js';
import { assertDefinition } from './definition-checks.js';

/**
 * What a task plugin declares.
 *
 * `props` describe only the plugin's own fields. The envelope every task shares (`id`, `type`,
 * `description`, `disabled`, `allowFailure`, `timeout`, `retry`, ...) belongs to the host's
 * flow schema.
 *
 * @typeParam P - the props schema, an object with `additionalProperties: false`.
 * @typeParam O - the output schema; `Type.Object({})` for a task without outputs.
 * @public
 */
export interface TaskDefinition<P extends TObject = TObject, O extends TSchema = TSchema> {
  /** The type string flows use, e.g. `io.kestra.plugin.core.log.Log`. Never changes. */
  readonly type: string;
  /** Older type strings that still resolve to this task. */
  readonly aliases?: readonly string[];
  /** A short title, shown in lists. */
  readonly title: string;
  /** What the task does, in Markdown. */
  readonly description: string;
  /** Schema of the task's own props; mark expression fields with `Dynamic()`. */
  readonly props: P;
  /** Schema of the task's output, stored with the task run as `outputs.<taskId>`. */
  readonly output: O;
  /** Flows that show the task; tests run every one. At least one. */
  readonly examples: readonly PluginExample[];
  /**
   * True when running the task has no effect outside the execution: all it does is compute its
   * outputs and log lines from its props, and read (secrets, `kv()`, files through `read()`),
   * never write (no `ctx.kv` or `ctx.storage` writes, no network call, no process, no timer
   * longer than the run). Default false.
   *
   * The promise lets the host skip the save it otherwise makes before every attempt (so that a
   * crash mid-attempt is resumed as a new, RESUBMITTED attempt the store knows of): consecutive
   * tasks that declare it run with their starts and ends staged in memory and stored by one
   * later save (before a task with effects starts, when the execution waits or ends, or after a
   * bounded number of staged changes). A crash before that save loses their runs, and the next
   * delivery runs them again from the start, as new task runs: nothing outside the execution
   * shows it, because nothing outside was touched. Their log lines are kept with the end and
   * stored by the same save, never on their own mid-run, so the lines of a run the crash lost
   * are lost with it and not stored twice.
   *
   * Declare it only when that holds for every input: a task that sends a message, writes a
   * file, sets a key, or whose run takes long enough that running it again costs (a long
   * computation), must leave it false.
   */
  readonly sideEffectFree?: boolean;
  /**
   * Does the work. `props` are rendered and validated against `props` before the call. The
   * returned value is validated against `output` and stored. Throw to fail the task run; throw
   * a `SluiceError` with `retryable: true` when trying again may help.
   */
  run(ctx: TaskContext, props: Static<P>): Promise<Static<O>> | Static<O>;
}

/**
 * A task definition as {@link defineTask} returns it: the definition plus its brand.
 * @public
 */
export type Task<P extends TObject = TObject, O extends TSchema = TSchema> = TaskDefinition<P, O> & {
  readonly [BRAND_KEY]: typeof TASK_BRAND;
};

/** Any task, whatever its schemas. @public */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTask = Task<TObject, TSchema> | Task<any, any>;

/**
 * Declares a task plugin. It only checks the definition, brands it and infers its types; it
 * does nothing at run time.
 *
 * Throws `CORE_INVALID_DEFINITION` when the props schema allows additional properties, a prop
 * lacks a `description`, or there is no example.
 *
 * @example
 * ```ts
 * export const hello = defineTask({
 *   type: 'com.example.Hello',
 *   title: 'Say hello',
 *   description: 'Logs a greeting.',
 *   props: Type.Object({ name: Dynamic(Type.String({ description: 'Who to greet.' })) },
 *     { additionalProperties: false }),
 *   output: Type.Object({ greeting: Type.String({ description: 'The greeting.' }) }),
 *   examples: [{ title: 'Greet', flow: '...' }],
 *   run(ctx, { name }) {
 *     ctx.logger.info(`Hello ${name}`);
 *     return { greeting: `Hello ${name}` };
 *   },
 * });
 * ```
 * @public
 */
export function defineTask<P extends TObject, O extends TSchema>(definition: TaskDefinition<P, O>): Task<P, O> {
  assertDefinition('task', definition);
  return Object.freeze({ ...definition, [BRAND_KEY]: TASK_BRAND });
}
