import { Dynamic, Type, defineTask, type Static } from '@sluice/core';
import { describeType, outputsErrors } from './errors.js';
import { outputValuesExamples } from './output-values.examples.js';

/** Props of the OutputValues task. */
export const OutputValuesProps = Type.Object(
  {
    // Optional with an empty default, as in Kestra where `values` has no @NotNull.
    values: Type.Optional(
      Dynamic(
        Type.Record(Type.String(), Type.Unknown(), {
          description:
            'The values to output, by name. They can be strings, numbers, booleans, lists or maps; every string inside, ' +
            'at any depth, is rendered by the host, so `"{{ trigger.body.id }}"` becomes its value as text. ' +
            'Read them as `{{ outputs.<taskId>.values.<name> }}`.',
          default: {},
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
/** Props of the OutputValues task, as `run` receives them. */
export type OutputValuesProps = Static<typeof OutputValuesProps>;

/** Output of the OutputValues task: `{{ outputs.<taskId>.values.<name> }}`. */
export const OutputValuesOutput = Type.Object(
  {
    values: Type.Record(Type.String(), Type.Unknown(), { description: 'The rendered values, by name.' }),
  },
  { additionalProperties: false },
);
/** Output of the OutputValues task. */
export type OutputValuesOutput = Static<typeof OutputValuesOutput>;

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `io.kestra.plugin.core.output.OutputValues`: outputs a map of rendered values for later tasks.
 * @public
 */
export const outputValues = defineTask({
  type: 'io.kestra.plugin.core.output.OutputValues',
  title: 'Output one or more values',
  description:
    'Returns a map of values as the output `values`, so later tasks read them as ' +
    '`{{ outputs.<taskId>.values.<name> }}`. Values can be strings, numbers, lists or maps; every string inside ' +
    'is rendered, so the task is a convenient place to compute, name and keep values parsed from a trigger or an earlier task.',
  props: OutputValuesProps,
  output: OutputValuesOutput,
  examples: outputValuesExamples,
  // Its outputs only, stored with the task run's end.
  sideEffectFree: true,
  run(_ctx, props) {
    // Only an absent map defaults; a null one skipped validation and is refused below.
    const values: unknown = props.values === undefined ? {} : props.values;
    if (!isMap(values)) throw outputsErrors.OUTPUT_VALUES_INVALID(describeType(values));
    // The host rendered every string inside already; a shallow copy keeps the output detached
    // from the props object the host passed in.
    return { values: { ...values } };
  },
});
