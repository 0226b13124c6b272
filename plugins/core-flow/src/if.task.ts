import { Dynamic, Type, Tasks, defineFlowableTask, type Static } from '@sluice/core';
import { ifExamples } from './if.examples.js';

/** Props of the If task. */
export const IfProps = Type.Object(
  {
    condition: Dynamic(
      Type.Union([Type.String(), Type.Boolean()], {
        description: "The condition, usually an expression such as `{{ inputs.amount > 100 }}`. '', 'false', '0', 'null' and false are false; anything else is true.",
      }),
    ),
    then: Tasks({ description: 'The tasks to run, in order, when the condition is true.', minItems: 1 }),
    else: Type.Optional(Tasks({ description: 'The tasks to run, in order, when the condition is false.' })),
  },
  { additionalProperties: false },
);
/** Props of the If task, as `plan` receives them. */
export type IfProps = Static<typeof IfProps>;

/** Output of the If task. */
export const IfOutput = Type.Object(
  { evaluationResult: Type.Boolean({ description: 'What the condition evaluated to, kept so the branch cannot change.' }) },
  { additionalProperties: false },
);

// Kestra's TruthUtils: these rendered texts are false, whatever their case.
const FALSY = new Set(['', 'false', '0', '-0', 'null']);

/**
 * `io.kestra.plugin.core.flow.If`: runs `then` or `else` by a condition.
 * @public
 */
export const ifTask = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.If',
  aliases: ['io.kestra.core.tasks.flows.If'],
  title: 'Run tasks by a condition',
  description:
    'Evaluates `condition` once, when the task starts, and runs `then` when it is true, `else` (if any) when it is ' +
    'false. With no `else`, a false condition ends the task in SUCCESS at once. The result is the output ' +
    '`evaluationResult`.',
  props: IfProps,
  output: IfOutput,
  examples: ifExamples,
  plan: (_ctx, props) => {
    const result = typeof props.condition === 'boolean' ? props.condition : !FALSY.has(props.condition.trim().toLowerCase());
    const tasks = result ? props.then : (props.else ?? []);
    return { branches: tasks.length > 0 ? [{ tasks }] : [], concurrency: 1, outputs: { evaluationResult: result } };
  },
});
