import { Dynamic, Type, Tasks, defineFlowableTask, type Static } from '@sluice/core';
import { eachValues } from './each-values.js';
import { MAX_FOREACH_VALUES } from './errors.js';
import { eachParallelExamples, eachSequentialExamples, forEachExamples } from './for-each.examples.js';

const Values = (description: string) =>
  Dynamic(Type.Union([Type.String(), Type.Array(Type.Unknown())], { description }));

const VALUES_NOTE =
  `A list, or a string holding a JSON list (what \`{{ outputs.task.list }}\` renders to). Strings are kept, other values ` +
  `are written as JSON; duplicates run once; at most ${MAX_FOREACH_VALUES} values.`;

/** Props of the ForEach task. */
export const ForEachProps = Type.Object(
  {
    values: Values(`The values to iterate over. ${VALUES_NOTE}`),
    concurrencyLimit: Type.Optional(
      Type.Integer({ minimum: 0, default: 1, description: 'How many values run at once: 1 (the default) one after the other, 0 all at once.' }),
    ),
    tasks: Tasks({ description: 'The tasks run for each value, in order; they read the value as `{{ taskrun.value }}`.', minItems: 1 }),
  },
  { additionalProperties: false },
);
/** Props of the ForEach task, as `plan` receives them. */
export type ForEachProps = Static<typeof ForEachProps>;

const plan = (values: unknown, tasks: ForEachProps['tasks'], concurrency: number) => ({
  branches: eachValues(values).map((value) => ({ value, tasks })),
  concurrency,
});

const DESCRIPTION_TAIL =
  'Every task run of an iteration carries its value (`{{ taskrun.value }}`; `{{ parent.taskrun.value }}` from a flowable ' +
  'inside it), and outputs of an iteration are read by value: `{{ outputs.<taskId>[taskrun.value] }}` within it, ' +
  "`{{ outputs.<taskId>['a value'] }}` after. A value that fails stops its own tasks; no new value starts once one failed.";

/**
 * `io.kestra.plugin.core.flow.ForEach`: runs a group of tasks for each value of a list.
 * @public
 */
export const forEach = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.ForEach',
  title: 'Run tasks for each value of a list',
  description:
    `Renders \`values\` once, when the task starts, and runs \`tasks\` in order for each value, \`concurrencyLimit\` values ` +
    `at a time. A \`values\` that is not a list fails the task with a message naming what it was. ${DESCRIPTION_TAIL}`,
  props: ForEachProps,
  output: Type.Object({}),
  examples: forEachExamples,
  plan: (_ctx, props) => plan(props.values, props.tasks, props.concurrencyLimit ?? 1),
});

/** Props of the EachSequential task (Kestra's older ForEach). */
export const EachSequentialProps = Type.Object(
  {
    value: Values(`The values to iterate over. ${VALUES_NOTE}`),
    tasks: Tasks({ description: 'The tasks run for each value, in order.', minItems: 1 }),
  },
  { additionalProperties: false },
);

/**
 * `io.kestra.plugin.core.flow.EachSequential`: Kestra's deprecated ForEach, one value at a time.
 * @public
 */
export const eachSequential = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.EachSequential',
  aliases: ['io.kestra.core.tasks.flows.EachSequential'],
  title: 'Run tasks for each value, one value at a time (deprecated: use ForEach)',
  description: `Kestra's older form of ForEach with \`concurrencyLimit: 1\`; its list is \`value\`. ${DESCRIPTION_TAIL}`,
  props: EachSequentialProps,
  output: Type.Object({}),
  examples: eachSequentialExamples,
  plan: (_ctx, props) => plan(props.value, props.tasks, 1),
});

/** Props of the EachParallel task (Kestra's older ForEach with a concurrency). */
export const EachParallelProps = Type.Object(
  {
    value: Values(`The values to iterate over. ${VALUES_NOTE}`),
    concurrent: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'How many values run at once; 0 (the default) all at once.' })),
    tasks: Tasks({ description: 'The tasks run for each value, in order.', minItems: 1 }),
  },
  { additionalProperties: false },
);

/**
 * `io.kestra.plugin.core.flow.EachParallel`: Kestra's deprecated ForEach, values at once.
 * @public
 */
export const eachParallel = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.EachParallel',
  aliases: ['io.kestra.core.tasks.flows.EachParallel'],
  title: 'Run tasks for each value, values at once (deprecated: use ForEach)',
  description: `Kestra's older form of ForEach with a \`concurrencyLimit\`, here \`concurrent\` (0: all at once); its list is \`value\`. ${DESCRIPTION_TAIL}`,
  props: EachParallelProps,
  output: Type.Object({}),
  examples: eachParallelExamples,
  plan: (_ctx, props) => plan(props.value, props.tasks, props.concurrent ?? 0),
});
