import { Type, Tasks, defineFlowableTask, type Static } from '@sluice/core';
import { allowFailureExamples } from './allow-failure.examples.js';

/** Props of the AllowFailure task. */
export const AllowFailureProps = Type.Object(
  { tasks: Tasks({ description: 'The tasks to run, in order; their failure does not fail the flow.', minItems: 1 }) },
  { additionalProperties: false },
);
/** Props of the AllowFailure task, as `plan` receives them. */
export type AllowFailureProps = Static<typeof AllowFailureProps>;

/**
 * `io.kestra.plugin.core.flow.AllowFailure`: runs its tasks in order and ends in WARNING, not
 * FAILED, when one of them failed.
 * @public
 */
export const allowFailure = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.AllowFailure',
  aliases: ['io.kestra.core.tasks.flows.AllowFailure'],
  title: 'Run tasks whose failure is allowed',
  description:
    'Runs `tasks` in order, like a Sequential. When one fails, the rest of the list is skipped, its `errors` run, ' +
    'and the AllowFailure ends in WARNING, so the flow goes on to its next task.',
  props: AllowFailureProps,
  output: Type.Object({}),
  examples: allowFailureExamples,
  plan: (_ctx, { tasks }) => ({ branches: [{ tasks }], concurrency: 1, allowFailure: true }),
});
