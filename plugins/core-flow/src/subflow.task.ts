import { Dynamic, Type, defineFlowableTask, type Static } from '@sluice/core';
import { subflowExamples } from './subflow.examples.js';

const Label = Type.Object(
  {
    key: Type.String({ minLength: 1, description: 'The label key.' }),
    value: Type.String({ description: 'The label value.' }),
  },
  { additionalProperties: false, description: 'One label.' },
);

/** Props of the Subflow task. */
export const SubflowProps = Type.Object(
  {
    namespace: Dynamic(Type.String({ minLength: 1, description: 'The namespace of the flow to run.' })),
    flowId: Dynamic(Type.String({ minLength: 1, description: 'The id of the flow to run.' })),
    revision: Type.Optional(Type.Integer({ minimum: 1, description: 'The revision of the flow to run; the latest when absent.' })),
    inputs: Type.Optional(Dynamic(Type.Record(Type.String(), Type.Unknown(), {
      description: 'The inputs of the new execution, by id; templates in their strings are rendered. Validated against the flow\'s inputs: a bad one fails the task.',
    }))),
    labels: Type.Optional(Dynamic(Type.Union([
      Type.Record(Type.String(), Type.String(), { description: 'Labels by key.' }),
      Type.Array(Label, { description: 'Labels as a list of `{key, value}`.' }),
    ], { description: 'Labels of the new execution, as a map or a list of `{key, value}`.' }))),
    inheritLabels: Type.Optional(Type.Boolean({ description: 'True: the new execution also takes this execution\'s labels (not its `system.` ones). False by default.' })),
    wait: Type.Optional(Type.Boolean({
      description: 'True (the default): wait for the new execution to end, holding no worker meanwhile. False: go on once it is started.',
    })),
    transmitFailed: Type.Optional(Type.Boolean({
      description: 'With `wait`: true (the default) to end this task FAILED, KILLED or WARNING when the new execution ends so; false to succeed whatever its end.',
    })),
    outputs: Type.Optional(Dynamic(Type.Record(Type.String(), Type.Unknown(), {
      description:
        'Deprecated in Kestra (declare flow `outputs` in the subflow instead): values whose templates are rendered against the ended execution ' +
        '(`{{ outputs.<its task>.value }}`) and become this task\'s output `outputs`, in place of the subflow\'s flow outputs. Needs `wait`.',
    }), { renderedBy: 'plugin' })),
    restartBehavior: Type.Optional(Type.Literal('NEW_EXECUTION', {
      description: 'What a restart of this execution does to a failed Subflow: `NEW_EXECUTION` (the only one Sluice has, and the default) starts a new execution.',
    })),
  },
  { additionalProperties: false },
);
/** Props of the Subflow task, as `plan` receives them. */
export type SubflowProps = Static<typeof SubflowProps>;

/** Output of the Subflow task. */
export const SubflowOutput = Type.Object(
  {
    executionId: Type.String({ description: 'The id of the execution started.' }),
    state: Type.Optional(Type.String({ description: 'With `wait`: the state it ended in.' })),
    outputs: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'With `wait`: the flow `outputs` of the ended execution.' })),
  },
  { additionalProperties: false },
);

/**
 * `io.kestra.plugin.core.flow.Subflow`: starts an execution of another flow and, by default,
 * waits for its end, holding no worker meanwhile.
 * @public
 */
export const subflow = defineFlowableTask({
  type: 'io.kestra.plugin.core.flow.Subflow',
  aliases: ['io.kestra.core.tasks.flows.Subflow'],
  title: 'Run another flow',
  description:
    'Starts an execution of the flow `namespace`.`flowId` with `inputs`. With `wait` (the default), the task waits ' +
    'for its end, holding no worker and no CPU meanwhile, then ends in its state (see `transmitFailed`) with the ' +
    'outputs `executionId`, `state` and `outputs` (the flow outputs of the ended execution). Without `wait`, it ends ' +
    'once the execution is started, with `executionId`. The new execution\'s trigger is `{ executionId, namespace, ' +
    'flowId, flowRevision, taskRunId, taskId }` of this one (read as `{{ trigger.executionId }}`), and its ' +
    '`system.correlationId` label is this execution\'s. A flow that does not exist, is disabled, or refuses the ' +
    'inputs fails the task, naming why; subflows nest at most 10 deep. A `timeout` fails the task when it passes ' +
    'first; the started execution goes on. Killing this execution kills the executions it waits for.',
  props: SubflowProps,
  output: SubflowOutput,
  examples: subflowExamples,
  waits: true,
  check: (props) => (props.outputs !== undefined && props.wait === false
    ? [{ path: ['outputs'], message: 'outputs are rendered against the ended subflow execution: they need wait: true' }]
    : []),
  plan: (_ctx, props) => ({
    branches: [],
    execution: {
      namespace: props.namespace,
      flowId: props.flowId,
      ...(props.revision === undefined ? {} : { revision: props.revision }),
      ...(props.inputs === undefined ? {} : { inputs: props.inputs }),
      labels: labelList(props.labels),
      ...(props.inheritLabels === undefined ? {} : { inheritLabels: props.inheritLabels }),
      ...(props.wait === undefined ? {} : { wait: props.wait }),
      ...(props.transmitFailed === undefined ? {} : { transmitFailed: props.transmitFailed }),
      ...(props.outputs === undefined ? {} : { outputs: props.outputs }),
    },
  }),
});

function labelList(labels: SubflowProps['labels']): { key: string; value: string }[] {
  if (labels === undefined) return [];
  if (Array.isArray(labels)) return labels.map(({ key, value }) => ({ key, value }));
  return Object.entries(labels).map(([key, value]) => ({ key, value }));
}
