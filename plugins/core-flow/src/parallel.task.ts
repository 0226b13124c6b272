import { Type, Tasks, defineFlowableTask, type Static } from '@sluice/core';
import { parallelExamples } from './parallel.examples.js';

/** Props of the Parallel task. */
export const ParallelProps = Type.Object(
  {
    tasks: Tasks({ description: 'The tasks to run at the same time. Use a Sequential to run several in order inside one branch.', minItems: 1 }),
    concurrent: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'How many tasks run at once; 0 (the default) runs them all at once.' })),
  },
  { additionalProperties: false },
);
/** Props of the Parallel task, as `plan` receives them. */
export type ParallelProps = Static<typeof ParallelProps>;

/**
 * `io.kestra.plugin.core.flow.Parallel`: runs its tasks at the same time.
 * @public
 */
export const parallel = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.Parallel',
  aliases: ['io.kestra.core.tasks.flows.Parallel'],
  title: 'Run tasks at the same time',
  description:
    'Runs each of `tasks` as its own branch, all at once or `concurrent` at a time. Once a task failed, no further ' +
    'task starts; the ones running finish, then the Parallel fails (after its `errors`).',
  props: ParallelProps,
  output: Type.Object({}),
  examples: parallelExamples,
  plan: (_ctx, { tasks, concurrent }) => ({ branches: tasks.map((task) => ({ tasks: [task] })), concurrency: concurrent ?? 0 }),
});
