import { Type, TaskItem, defineFlowableTask, type PropsProblem, type Static } from '@sluice/core';
import { dagExamples } from './dag.examples.js';
import { flowErrors } from './errors.js';

/** Props of the Dag task. */
export const DagProps = Type.Object(
  {
    tasks: Type.Array(
      Type.Object(
        {
          task: TaskItem({ description: 'The task.' }),
          dependsOn: Type.Optional(Type.Array(Type.String({ description: 'A task id of this Dag.' }), { description: 'Ids of the tasks of this Dag that must end before this one starts.' })),
        },
        { additionalProperties: false, description: 'A task and what it waits for.' },
      ),
      { minItems: 1, description: 'The tasks, each with the ids of the tasks it depends on.' },
    ),
    concurrent: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: 'How many tasks run at once; 0 (the default) as many as are ready.' })),
  },
  { additionalProperties: false },
);
/** Props of the Dag task, as `plan` receives them. */
export type DagProps = Static<typeof DagProps>;

/** Unknown ids and cycles among `dependsOn`, each at its place. */
export function dagProblems(tasks: DagProps['tasks']): PropsProblem[] {
  const problems: PropsProblem[] = [];
  const ids = new Set(tasks.map((t) => t.task.id));
  tasks.forEach((t, i) => (t.dependsOn ?? []).forEach((id, j) => {
    if (!ids.has(id)) problems.push({ path: ['tasks', i, 'dependsOn', j], message: flowErrors.DAG_UNKNOWN_DEPENDENCY(id).message });
  }));
  if (problems.length > 0) return problems;
  const after = new Map(tasks.map((t) => [t.task.id, t.dependsOn ?? []]));
  const state = new Map<string, 'open' | 'done'>();
  const cycle = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    for (const next of after.get(id) ?? []) {
      const found = cycle(next, [...path, id]);
      if (found) return found;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const [i, t] of tasks.entries()) {
    const found = cycle(t.task.id, []);
    if (found) return [{ path: ['tasks', i, 'dependsOn'], message: flowErrors.DAG_CYCLE(found).message }];
  }
  return [];
}

/**
 * `io.kestra.plugin.core.flow.Dag`: runs tasks as soon as the tasks they depend on ended.
 * @public
 */
export const dag = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.Dag',
  aliases: ['io.kestra.core.tasks.flows.Dag'],
  title: 'Run tasks by their dependencies',
  description:
    'Runs each task once every task of its `dependsOn` has ended, tasks without a dependency at once, `concurrent` ' +
    'at a time (0: no limit). An unknown id in `dependsOn` or a cycle is refused when the flow is saved. Once a ' +
    'task failed no further task starts; the Dag fails after its `errors`.',
  props: DagProps,
  output: Type.Object({}),
  examples: dagExamples,
  check: (props) => dagProblems(props.tasks),
  plan: (_ctx, props) => {
    const [problem] = dagProblems(props.tasks);
    if (problem) throw flowErrors.DAG_INVALID(problem.message);
    return {
      branches: props.tasks.map((t) => ({ tasks: [t.task], ...(t.dependsOn && t.dependsOn.length > 0 ? { after: t.dependsOn } : {}) })),
      concurrency: props.concurrent ?? 0,
    };
  },
});
