import { Dynamic, Type, defineTask, type Static } from '@sluice/core';
import { describeType, outputsErrors } from './errors.js';
import { returnExamples } from './return.examples.js';

/** Props of the Return task. */
export const ReturnProps = Type.Object(
  {
    // Optional as in Kestra, where `format` has no @NotNull: a Kestra flow without it must
    // still be accepted, and gets no `value`.
    format: Type.Optional(
      Dynamic(
        Type.String({
          description:
            'The templated string to render. Expressions are rendered by the host; the result is the output `value`. ' +
            'When omitted, the task returns no `value`.',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
/** Props of the Return task, as `run` receives them. */
export type ReturnProps = Static<typeof ReturnProps>;

/** Output of the Return task: `{{ outputs.<taskId>.value }}`. */
export const ReturnOutput = Type.Object(
  {
    value: Type.Optional(Type.String({ description: 'The rendered `format`. Absent when `format` was not set.' })),
  },
  { additionalProperties: false },
);
/** Output of the Return task. */
export type ReturnOutput = Static<typeof ReturnOutput>;

/**
 * `io.kestra.plugin.core.debug.Return`: renders a template and returns it as the output `value`.
 * @public
 */
export const returnTask = defineTask({
  type: 'io.kestra.plugin.core.debug.Return',
  aliases: ['io.kestra.core.tasks.debugs.Return'],
  title: 'Return a value for debugging purposes',
  description:
    'Renders a templated string and returns it as the output `value`, so later tasks read it as ' +
    '`{{ outputs.<taskId>.value }}`. Handy for troubleshooting (the rendered value is logged at DEBUG) ' +
    'and for computing small values, such as a header, that later tasks need.',
  props: ReturnProps,
  output: ReturnOutput,
  examples: returnExamples,
  // Its output and one DEBUG line, both stored with the task run's end.
  sideEffectFree: true,
  run(ctx, props) {
    const { format } = props;
    if (format === undefined) return {};
    if (typeof format !== 'string') throw outputsErrors.RETURN_INVALID_FORMAT(describeType(format));
    // The host has rendered `format`; rendering it again would evaluate data as a template.
    ctx.logger.debug(format);
    return { value: format };
  },
});
