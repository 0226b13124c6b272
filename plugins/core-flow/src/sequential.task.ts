import { Type, Tasks, defineFlowableTask, type Static } from '@sluice/core';
import { sequentialExamples } from './sequential.examples.js';

/** Props of the Sequential task. */
export const SequentialProps = Type.Object(
  { tasks: Tasks({ description: 'The tasks to run, one after the other. A failure stops the list.', minItems: 1 }) },
  { additionalProperties: false },
);
/** Props of the Sequential task, as `plan` receives them. */
export type SequentialProps = Static<typeof SequentialProps>;

/**
 * `io.kestra.plugin.core.flow.Sequential`: runs its tasks in order, as one group with its own
 * `errors` and `finally`.
 * @public
 */
export const sequential = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.Sequential',
  aliases: ['io.kestra.core.tasks.flows.Sequential'],
  title: 'Run tasks one after the other',
  description:
    'Runs `tasks` in order; a task that fails stops the list and fails the Sequential. Useful to give a group of ' +
    'tasks its own `errors` (run when one of them failed) and `finally` (always run), or to run a group as one ' +
    'branch of a Parallel.',
  props: SequentialProps,
  output: Type.Object({}),
  examples: sequentialExamples,
  plan: (_ctx, { tasks }) => ({ branches: [{ tasks }], concurrency: 1 }),
});
