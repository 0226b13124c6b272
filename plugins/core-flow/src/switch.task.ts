import { Dynamic, Type, Tasks, defineFlowableTask, type Static } from '@sluice/core';
import { flowErrors } from './errors.js';
import { switchExamples } from './switch.examples.js';

/** Props of the Switch task. */
export const SwitchProps = Type.Object(
  {
    value: Dynamic(
      Type.Union([Type.String(), Type.Number(), Type.Boolean()], {
        description: 'The value to match against the keys of `cases`, usually an expression such as `{{ inputs.kind }}`.',
      }),
    ),
    cases: Type.Optional(
      Type.Record(Type.String(), Tasks({ description: 'The tasks run, in order, for this case.' }), {
        description: 'Lists of tasks by the value that selects them.',
      }),
    ),
    defaults: Type.Optional(Tasks({ description: 'The tasks run, in order, when no case matches.' })),
  },
  { additionalProperties: false },
);
/** Props of the Switch task, as `plan` receives them. */
export type SwitchProps = Static<typeof SwitchProps>;

/** Output of the Switch task. */
export const SwitchOutput = Type.Object(
  {
    value: Type.String({ description: 'The rendered value.' }),
    defaults: Type.Boolean({ description: 'True when no case matched and `defaults` ran.' }),
  },
  { additionalProperties: false },
);

/**
 * `io.kestra.plugin.core.flow.Switch`: runs the tasks of the case matching a value.
 * @public
 */
export const switchTask = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.Switch',
  aliases: ['io.kestra.core.tasks.flows.Switch'],
  title: 'Run the tasks of the matching case',
  description:
    'Renders `value` once, when the task starts, and runs the tasks of the case whose key equals it, or `defaults` ' +
    'when none does. A value that matches no case, with no `defaults`, fails the task with a message naming the ' +
    'value and the cases.',
  props: SwitchProps,
  output: SwitchOutput,
  examples: switchExamples,
  // As Kestra's save check: no case and no defaults can only ever fail (the value matches nothing).
  check: (props) => (Object.keys(props.cases ?? {}).length === 0 && (props.defaults ?? []).length === 0
    ? [{ path: ['cases'], message: 'No task defined, neither cases or defaults have any tasks' }]
    : []),
  plan: (_ctx, props) => {
    const value = String(props.value);
    const cases = props.cases ?? {};
    const matched = Object.hasOwn(cases, value) ? cases[value] : undefined;
    if (matched !== undefined) return { branches: matched.length > 0 ? [{ tasks: matched }] : [], outputs: { value, defaults: false } };
    if (props.defaults === undefined) throw flowErrors.SWITCH_NO_MATCH(value, Object.keys(cases));
    return { branches: props.defaults.length > 0 ? [{ tasks: props.defaults }] : [], outputs: { value, defaults: true } };
  },
});
