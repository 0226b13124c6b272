import { Dynamic, Type, defineTask, type Static } from '@sluice/core';
import { executionErrors } from './errors.js';
import { failExamples } from './fail.examples.js';

/** Props of the Fail task. */
export const FailProps = Type.Object(
  {
    condition: Type.Optional(
      Dynamic(
        Type.Union([Type.String(), Type.Boolean()], {
          description:
            'Fail only when this renders truthy, as Kestra\'s TruthUtils reads it: empty, `false`, `0`, `-0` and `null` are false, anything else true. ' +
            'Without it the task always fails.',
        }),
        { renderedBy: 'plugin' },
      ),
    ),
    errorMessage: Type.Optional(
      Dynamic(Type.String({ description: 'The error message; `Task failure` by default.', default: 'Task failure' })),
    ),
  },
  { additionalProperties: false },
);
/** Props of the Fail task, as `run` receives them. */
export type FailProps = Static<typeof FailProps>;

/** Kestra's `VoidOutput`: no output values. */
export const FailOutput = Type.Object({}, { additionalProperties: false, description: 'No output values.' });

/**
 * `io.kestra.plugin.core.execution.Fail`: fails the task, and so the execution, always or when a
 * condition holds.
 * @public
 */
export const fail = defineTask({
  type: 'io.kestra.plugin.core.execution.Fail',
  aliases: ['io.kestra.core.tasks.executions.Fail'],
  title: 'Fail the execution',
  description:
    'Fails the task run, and so the execution unless the task has `allowFailure`. Without `condition` it always fails with `errorMessage`; ' +
    'with one, it fails only when the condition renders truthy, logging `errorMessage` at ERROR first (as Kestra does), and succeeds otherwise. ' +
    'Useful on a branch of a Switch or after a check of the execution\'s data.',
  props: FailProps,
  output: FailOutput,
  examples: failExamples,
  // Tests a condition (rendering reads, never writes) and fails the task run: an ERROR line and
  // the FAILED end, both stored together.
  sideEffectFree: true,
  run(ctx, props) {
    const message = props.errorMessage ?? 'Task failure';
    if (props.condition === undefined) throw executionErrors.FAIL_TASK(message);
    // Rendered here rather than by the host so a literal `true` and a template read alike.
    const holds = typeof props.condition === 'boolean' ? props.condition : ctx.test(props.condition);
    if (!holds) return {};
    ctx.logger.error(message);
    throw executionErrors.FAIL_ON_CONDITION();
  },
});
