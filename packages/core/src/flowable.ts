import { Type, type Static, type TObject, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { BRAND_KEY, FLOWABLE_TASK_BRAND } from './brand.js';
import type { TaskContext } from './context.js';
import { assertDefinition } from './definition-checks.js';
import type { PluginExample } from './example.js';

/**
 * The JSON Schema keyword that marks a property as a list of tasks (a flowable task's
 * children). The host validates every task inside such a list at save, like a top-level task,
 * and hands the plugin a {@link ChildTask} for each.
 * @public
 */
export const TASKS_KEYWORD = 'x-sluice-tasks' as const;

/**
 * A child task as a flowable task sees it: its id and type. The host owns the rest (its props,
 * its envelope); a plan names children by these values.
 * @public
 */
export interface ChildTask {
  /** The child's `id`, unique in the flow. */
  readonly id: string;
  /** The child's type string. */
  readonly type: string;
}

/**
 * A property that holds a list of tasks, such as `tasks`, `then` or a `cases` entry. The save
 * check validates each task inside it; `plan` receives them as {@link ChildTask}s.
 *
 * @example
 * ```ts
 * props: Type.Object({
 *   tasks: Tasks({ description: 'The tasks to run, in order.', minItems: 1 }),
 * }, { additionalProperties: false })
 * ```
 * @public
 */
export function Tasks(options: { readonly description: string; readonly minItems?: number }): TUnsafe<ChildTask[]> {
  return Type.Unsafe<ChildTask[]>({
    ...Type.Array(Type.Unknown(), { description: options.description, ...(options.minItems === undefined ? {} : { minItems: options.minItems }) }),
    [TASKS_KEYWORD]: true,
  });
}

/**
 * A property that holds one task, such as each `task` of a Dag's list. Validated at save like
 * a task of a {@link Tasks} list; `plan` receives it as a {@link ChildTask}.
 * @public
 */
export function TaskItem(options: { readonly description: string }): TUnsafe<ChildTask> {
  return Type.Unsafe<ChildTask>({ ...Type.Object({}, { description: options.description }), [TASKS_KEYWORD]: 'one' });
}

/**
 * True when `schema` was made by {@link Tasks}.
 * @public
 */
export function isTasksSchema(schema: TSchema): boolean {
  return (schema as Record<string, unknown>)[TASKS_KEYWORD] === true;
}

/**
 * True when `schema` was made by {@link TaskItem}.
 * @public
 */
export function isTaskItemSchema(schema: TSchema): boolean {
  return (schema as Record<string, unknown>)[TASKS_KEYWORD] === 'one';
}

/**
 * A problem a plugin's `check` (a flowable task's or a trigger's) finds in its props when a
 * flow is saved.
 * @public
 */
export interface PropsProblem {
  /** Where, from the task: `['tasks', 2, 'dependsOn', 0]`. */
  readonly path: readonly (string | number)[];
  /** What is wrong, in a sentence. */
  readonly message: string;
}

/**
 * One branch of a plan: tasks run one after the other, every task run carrying `value`
 * (`{{ taskrun.value }}`) when it is set.
 * @public
 */
export interface FlowableBranch {
  /**
   * The iteration value of this branch (a ForEach value), always a string. Task runs of the
   * branch carry it, and their outputs are addressed by it: `outputs.<taskId>[<value>]`.
   * Without it, children inherit the value of the flowable's own task run.
   */
  readonly value?: string;
  /** The children to run, in order: a failure stops the branch. */
  readonly tasks: readonly ChildTask[];
  /**
   * Ids of tasks of other branches of this plan that must have ended before this branch
   * starts (a Dag's `dependsOn`). A plan whose branches wait on each other in a circle, or on a
   * task that is not in the plan, is refused.
   */
  readonly after?: readonly string[];
}

/**
 * What a flowable task decides when its task run starts. The host stores it with the task
 * run, so the decision is made once (a condition cannot flip on a later pass), then runs the
 * children: each branch in order, `concurrency` branches at once.
 * @public
 */
export interface FlowablePlan<O = Readonly<Record<string, unknown>>> {
  /** The branches. An empty list ends the task at once in SUCCESS. */
  readonly branches: readonly FlowableBranch[];
  /** Branches that run at once: 1 (the default) one after the other, 0 all at once. */
  readonly concurrency?: number;
  /**
   * True when a failure of the children must not fail this task: it ends in WARNING instead
   * (Kestra's AllowFailure). The flowable's `errors` still run.
   */
  readonly allowFailure?: boolean;
  /** The task's outputs, validated against `output` and stored when the task run ends. */
  readonly outputs?: O;
  /**
   * Wait before the branches run (Kestra's Pause and Sleep). Only a task declared with
   * `waits: true` may return one. The host stores the wait with the task run and lets go of the
   * worker: the execution is queued again for the wait's end (a delayed job), so a waiting
   * execution holds no worker slot and survives a restart. See {@link FlowableWait}.
   */
  readonly wait?: FlowableWait;
  /**
   * An execution of another flow to start (Kestra's Subflow). Only a task declared with
   * `waits: true` may return one. The host stores the request with the task run first, then
   * starts the execution with an id derived from the task run (so a crash in between starts it
   * once), and, with {@link FlowableExecution.wait}, waits for its end holding no worker: the
   * child's end queues the parent again. The task's outputs are then the host's:
   * `executionId`, `state` and the child flow's `outputs`.
   */
  readonly execution?: FlowableExecution;
}

/**
 * An execution a flowable task starts: the flow to run, with what. See {@link FlowablePlan.execution}.
 * @public
 */
export interface FlowableExecution {
  /** The namespace of the flow to run. */
  readonly namespace: string;
  /** The id of the flow to run. */
  readonly flowId: string;
  /** The revision to run; the latest when absent. */
  readonly revision?: number;
  /** The execution's inputs, validated against the flow's like any start's: a bad one fails the task. */
  readonly inputs?: Readonly<Record<string, unknown>>;
  /** Labels of the execution, beside the flow's. */
  readonly labels?: readonly { readonly key: string; readonly value: string }[];
  /** True: the execution also takes the starting execution's labels (not its `system.` ones), before `labels`. */
  readonly inheritLabels?: boolean;
  /**
   * With `wait`: values with templates, rendered against the ended execution (its `outputs.*`,
   * `inputs.*`, ...) to make the task's output `outputs`, in place of the flow's own outputs
   * (Kestra's deprecated Subflow `outputs`). Mark the property `renderedBy: 'plugin'` so the host
   * leaves its templates for then. A template that fails to render fails the task.
   */
  readonly outputs?: Readonly<Record<string, unknown>>;
  /**
   * True (the default): the task waits for the execution's end, and ends in a state derived
   * from it (see `transmitFailed`). False: the task ends in SUCCESS once the execution is
   * started, with the output `executionId`.
   */
  readonly wait?: boolean;
  /**
   * With `wait`: true (the default) when the execution's FAILED, KILLED or WARNING end becomes
   * the task's (FAILED is WARNING under `allowFailure`, WARNING is SUCCESS under `allowWarning`),
   * as Kestra does; any other end, or any end when false, is SUCCESS.
   */
  readonly transmitFailed?: boolean;
}

/**
 * How a waiting flowable task waits: for a duration, until it is resumed through the API, or
 * both (whichever comes first). The task's `timeout` (its envelope) bounds a wait too: when it
 * comes first, the task fails (WARNING under `allowFailure`), as Kestra's Pause does.
 * @public
 */
export interface FlowableWait {
  /** How long to wait, in milliseconds, from the start of the task run; absent: until resumed (or the timeout). */
  readonly durationMs?: number;
  /**
   * The state the task takes when `durationMs` has passed: `SUCCESS` (the default) runs the
   * branches and goes on; `WARNING` does too and ends the task in WARNING at least; `FAILED`
   * runs no branch and fails the task (its `errors` run); `CANCELLED` cancels the execution.
   */
  readonly onDuration?: 'SUCCESS' | 'WARNING' | 'FAILED' | 'CANCELLED';
  /**
   * True for a pause: the execution shows PAUSED while it waits, and the API's
   * `POST /executions/{id}/resume` ends the wait early (in SUCCESS), with the inputs declared by
   * `inputs`. False (the default): the execution stays RUNNING, and only time ends it.
   */
  readonly pause?: boolean;
  /**
   * With `pause`: the inputs a resume takes (Kestra's `onResume`), as flow input declarations
   * (`id`, `type`, `required`, `defaults`, ...). The host validates a resume's values like flow
   * inputs (a required one missing, or a value of the wrong type, refuses the resume) and stores
   * them as the task's output `onResume`.
   */
  readonly inputs?: readonly Readonly<Record<string, unknown>>[];
}

/**
 * What a flowable task plugin declares: a task that runs other tasks. It does no work itself;
 * `plan` says which children run, and the host runs them (with their own task runs, whose
 * `parentTaskRunId` is the flowable's), ends the flowable with the worst state of its
 * children, and runs the flowable's `errors` and `finally` lists, which every flowable task
 * accepts without declaring them.
 *
 * @typeParam P - the props schema; mark task lists with {@link Tasks}.
 * @typeParam O - the output schema.
 * @public
 */
export interface FlowableTaskDefinition<P extends TObject = TObject, O extends TSchema = TSchema> {
  /** The type string flows use, e.g. `io.kestra.plugin.core.flow.Sequential`. */
  readonly type: string;
  /** Older type strings that still resolve to this task. */
  readonly aliases?: readonly string[];
  /** A short title, shown in lists. */
  readonly title: string;
  /** What the task does, in Markdown. */
  readonly description: string;
  /** Schema of the task's own props; mark expression fields with `Dynamic()`, task lists with {@link Tasks}. */
  readonly props: P;
  /** Schema of the plan's `outputs`; `Type.Object({})` for none. */
  readonly output: O;
  /** Flows that show the task; tests run every one. At least one. */
  readonly examples: readonly PluginExample[];
  /**
   * Decides the children, once, when the task run starts: `props` are rendered and validated
   * first, and every task list holds {@link ChildTask}s. Must have no side effect: after a
   * crash before the plan is stored, the host calls it again. Throw (ideally a `SluiceError`
   * with a code) to fail the task run with that message, e.g. for a value that matches no case.
   */
  plan(ctx: TaskContext, props: Static<P>): FlowablePlan<Static<O>>;
  /**
   * Optional checks of the props as written, made when a flow is saved, once they passed the
   * schema: what a schema cannot say (a Dag's `dependsOn` naming an unknown task, or a cycle).
   * Task lists hold the child tasks as written (each has at least `id` and `type`); expression
   * fields may hold templates. Return one problem per mistake, none when all is well.
   */
  check?(props: Static<P>): readonly PropsProblem[];
  /**
   * True when `plan` may return a {@link FlowablePlan.wait} or a {@link FlowablePlan.execution}.
   * Such a task accepts the envelope's `timeout`, which bounds its wait (a child execution then
   * goes on; the task fails); other flowable tasks refuse `timeout` at save.
   */
  readonly waits?: boolean;
}

/**
 * A flowable task as {@link defineFlowableTask} returns it: the definition, its kind and brand.
 * @public
 */
export type FlowableTask<P extends TObject = TObject, O extends TSchema = TSchema> = FlowableTaskDefinition<P, O> & {
  /** Tells a flowable task from a runnable one. */
  readonly kind: 'flowable';
  readonly [BRAND_KEY]: typeof FLOWABLE_TASK_BRAND;
};

/** Any flowable task, whatever its schemas. @public */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFlowableTask = FlowableTask<TObject, TSchema> | FlowableTask<any, any>;

/**
 * Declares a flowable task plugin: a task that runs child tasks, such as Kestra's Sequential,
 * If or ForEach. Put it in a package's `tasks` like any task.
 *
 * Throws `CORE_INVALID_DEFINITION` as {@link defineTask} does, or when there is no `plan`.
 *
 * @example
 * ```ts
 * // Runs its tasks twice, in order: a first pass and a second pass.
 * export const twice = defineFlowableTask({
 *   type: 'com.example.Twice',
 *   title: 'Run twice',
 *   description: 'Runs its tasks once with the value `first`, then with `second`.',
 *   props: Type.Object({ tasks: Tasks({ description: 'The tasks.', minItems: 1 }) },
 *     { additionalProperties: false }),
 *   output: Type.Object({}),
 *   examples: [{ title: 'Twice', flow: '...' }],
 *   plan: (_ctx, { tasks }) => ({
 *     branches: [{ value: 'first', tasks }, { value: 'second', tasks }],
 *     concurrency: 1,
 *   }),
 * });
 * ```
 * @public
 */
export function defineFlowableTask<P extends TObject, O extends TSchema>(definition: FlowableTaskDefinition<P, O>): FlowableTask<P, O> {
  assertDefinition('flowable', definition);
  return Object.freeze({ ...definition, kind: 'flowable' as const, [BRAND_KEY]: FLOWABLE_TASK_BRAND });
}

/**
 * True when `task` is a flowable task (made by {@link defineFlowableTask}).
 * @public
 */
export function isFlowableTask(task: unknown): task is AnyFlowableTask {
  return typeof task === 'object' && task !== null && (task as Record<string, unknown>)[BRAND_KEY] === FLOWABLE_TASK_BRAND;
}
