import { Dynamic, EXPRESSION_CONDITION_TYPES, Type, type Static } from '@sluice/core';
import { Labels } from './labels.js';
import { endStates } from './states.js';

/** A condition's Kestra type strings: its 1.x name, its `...Condition` name and its pre-0.15 name. */
const kestraTypes = (name: string, description: string) => {
  const types = [`io.kestra.plugin.core.condition.${name}`, `io.kestra.plugin.core.condition.${name}Condition`, `io.kestra.core.models.conditions.types.${name}Condition`];
  return Type.Union(types.map((type) => Type.Literal(type)), { description: `${description} Also spelt ${types.slice(1).map((t) => `\`${t}\``).join(' and ')}.` });
};

/** Kestra's `ExecutionStatus`: the ending execution's state is in `in` and not in `notIn`. */
export const ExecutionStatusCondition = Type.Object(
  {
    type: kestraTypes('ExecutionStatus', 'The ending execution\'s state.'),
    in: Type.Optional(endStates('The states that pass; any when absent.')),
    notIn: Type.Optional(endStates('The states that do not pass.')),
  },
  { additionalProperties: false, description: 'Passes when the ending execution\'s state is in `in` and not in `notIn`.' },
);

/** Kestra's `ExecutionFlow`: the ending execution is of this flow. */
export const ExecutionFlowCondition = Type.Object(
  {
    type: kestraTypes('ExecutionFlow', 'The ending execution\'s flow.'),
    namespace: Type.String({ minLength: 1, description: 'The namespace of the flow.' }),
    flowId: Type.String({ minLength: 1, description: 'The id of the flow.' }),
  },
  { additionalProperties: false, description: 'Passes when the ending execution is of the flow `namespace`.`flowId`.' },
);

/** Kestra's `ExecutionNamespace`: the ending execution's namespace equals, starts or ends with one. */
export const ExecutionNamespaceCondition = Type.Object(
  {
    type: kestraTypes('ExecutionNamespace', 'The ending execution\'s namespace.'),
    namespace: Type.String({ minLength: 1, description: 'The namespace to compare with.' }),
    comparison: Type.Optional(Type.Union([Type.Literal('EQUALS'), Type.Literal('PREFIX'), Type.Literal('SUFFIX')], {
      description: 'How to compare: `EQUALS`, `PREFIX` (the namespace starts with it) or `SUFFIX`. Takes precedence over `prefix`.',
    })),
    prefix: Type.Optional(Type.Boolean({ default: false, description: 'The older spelling of `comparison: PREFIX`.' })),
  },
  { additionalProperties: false, description: 'Passes when the ending execution\'s namespace matches `namespace`.' },
);

/** Kestra's `ExecutionLabels`: the ending execution carries every label. */
export const ExecutionLabelsCondition = Type.Object(
  { type: kestraTypes('ExecutionLabels', 'The ending execution\'s labels.'), labels: Labels },
  { additionalProperties: false, description: 'Passes when the ending execution carries every label given.' },
);

/** Kestra's `ExecutionOutputs`: an expression over `trigger.outputs`. */
export const ExecutionOutputsCondition = Type.Object(
  {
    type: kestraTypes('ExecutionOutputs', 'The ending execution\'s flow outputs.'),
    expression: Dynamic(Type.String({ description: 'A template over `trigger.outputs`, e.g. `{{ trigger.outputs.count > 0 }}`; passes when truthy.' }), { renderedBy: 'plugin' }),
  },
  { additionalProperties: false, description: 'Passes when the expression, evaluated with the ending execution\'s flow outputs, is truthy.' },
);

/** Kestra's expression condition, with the ending execution's variables. */
export const ExpressionCondition = Type.Object(
  {
    type: Type.Union(EXPRESSION_CONDITION_TYPES.map((type) => Type.Literal(type)), { description: 'An expression condition.' }),
    expression: Dynamic(Type.String({ description: 'A template evaluated with `trigger.*`, `execution.*`, `outputs.*` (the ending execution\'s task outputs) and `labels`; passes when truthy.' }), { renderedBy: 'plugin' }),
  },
  { additionalProperties: false, description: 'Passes when the expression is truthy.' },
);

/** One entry of the Flow trigger's `conditions`. */
export const FlowCondition = Type.Union(
  [ExecutionStatusCondition, ExecutionFlowCondition, ExecutionNamespaceCondition, ExecutionLabelsCondition, ExecutionOutputsCondition, ExpressionCondition],
  { description: 'A condition the ending execution must meet.' },
);
/** One entry of `conditions`. */
export type FlowCondition = Static<typeof FlowCondition>;

export { hasLabels } from './labels.js';

/** Whether `namespace` matches, as Kestra's ExecutionNamespace compares it. */
export function namespaceMatches(namespace: string, condition: Pick<Static<typeof ExecutionNamespaceCondition>, 'namespace' | 'comparison' | 'prefix'>): boolean {
  const comparison = condition.comparison ?? (condition.prefix ? 'PREFIX' : 'EQUALS');
  if (comparison === 'PREFIX') return namespace.startsWith(condition.namespace);
  if (comparison === 'SUFFIX') return namespace.endsWith(condition.namespace);
  return namespace === condition.namespace;
}
