import { Dynamic, Type, type PropsProblem, type Static } from '@sluice/core';
import { Labels as LabelsSchema } from './labels.js';
import { endStates } from './states.js';
import { flowTriggerErrors } from './errors.js';
import { checkTimeWindow, TimeWindow } from './time-window.js';

const FILTER_TYPES = ['EQUAL_TO', 'NOT_EQUAL_TO', 'IN', 'NOT_IN', 'IS_TRUE', 'IS_FALSE', 'IS_NULL', 'IS_NOT_NULL', 'STARTS_WITH', 'ENDS_WITH', 'REGEX', 'CONTAINS'] as const;
const ONE_VALUE = new Set(['EQUAL_TO', 'NOT_EQUAL_TO', 'STARTS_WITH', 'ENDS_WITH', 'REGEX', 'CONTAINS']);
const MANY_VALUES = new Set(['IN', 'NOT_IN']);
const EXPRESSION_TYPES = new Set(['IS_TRUE', 'IS_FALSE', 'IS_NULL', 'IS_NOT_NULL']);

/** One `where` filter: a field of the ending execution against a value. */
export const Filter = Type.Object(
  {
    field: Type.Union([Type.Literal('FLOW_ID'), Type.Literal('NAMESPACE'), Type.Literal('STATE'), Type.Literal('EXPRESSION')], {
      description: 'What is compared: the ending execution\'s `FLOW_ID`, `NAMESPACE` or `STATE`, or an `EXPRESSION` (the template in `value`, rendered with `trigger.*`).',
    }),
    type: Type.Union(FILTER_TYPES.map((type) => Type.Literal(type)), {
      description: 'The comparison. `REGEX` must match the whole field. An `EXPRESSION` takes `IS_TRUE`, `IS_FALSE`, `IS_NULL` or `IS_NOT_NULL`.',
    }),
    value: Type.Optional(Dynamic(Type.String({ description: 'The value compared with; for `EXPRESSION`, the template.' }), { renderedBy: 'plugin' })),
    values: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'The values of `IN` and `NOT_IN`.' })),
  },
  { additionalProperties: false, description: 'One filter.' },
);
export type Filter = Static<typeof Filter>;

/** Kestra's `preconditions`: upstream flows and filters, met by one execution or by several within a time window. */
export const Preconditions = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9_-]*$', description: 'An id for the preconditions; the window is stored under it. Required with several `flows`/`where` entries.' })),
    resetOnSuccess: Type.Optional(Type.Boolean({
      default: true,
      description: 'After the preconditions fire, start over: every entry must be met again, within the window, to fire again. `false`: once all were met, every later execution that meets one entry fires again, until the window ends.',
    })),
    timeWindow: Type.Optional(TimeWindow),
    flows: Type.Optional(Type.Array(
      Type.Object(
        {
          namespace: Type.String({ minLength: 1, description: 'The namespace of the upstream flow.' }),
          flowId: Type.Optional(Type.String({ minLength: 1, description: 'The upstream flow; any flow of the namespace when absent.' })),
          states: Type.Optional(endStates('The states the upstream execution must end in. Default `SUCCESS`.')),
          labels: Type.Optional(LabelsSchema),
        },
        { additionalProperties: false, description: 'An upstream flow.' },
      ),
      { description: 'Upstream flows: each entry must be met by an execution that ends within the window (one execution may meet several).' },
    )),
    where: Type.Optional(Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, description: 'The filter group\'s id.' }),
          operand: Type.Optional(Type.Union([Type.Literal('AND'), Type.Literal('OR')], { default: 'AND', description: 'Whether all filters must pass (`AND`) or one (`OR`).' })),
          filters: Type.Array(Filter, { minItems: 1, description: 'The filters.' }),
        },
        { additionalProperties: false, description: 'A group of filters on the ending execution.' },
      ),
      { description: 'Filter groups on ending executions: like `flows`, each must be met within the window.' },
    )),
  },
  {
    additionalProperties: false,
    description:
      'Kestra\'s preconditions: every `flows` and `where` entry must be met by an execution that ends within `timeWindow` (the executions may differ). ' +
      'The trigger fires for the execution that meets the last one. With one entry, it fires for every execution that meets it within the window.',
  },
);
export type Preconditions = Static<typeof Preconditions>;

/**
 * What the preconditions ask that cannot be honoured, at their paths: several entries without
 * an `id` (the window is kept under it), a time window whose fields do not fit its type, and
 * filters missing the value their comparison needs.
 */
export function checkPreconditions(pre: Preconditions): PropsProblem[] {
  const problems: PropsProblem[] = [];
  const entries = (pre.flows?.length ?? 0) + (pre.where?.length ?? 0);
  if (entries > 1 && pre.id === undefined) problems.push({ path: ['preconditions'], message: flowTriggerErrors.FLOW_TRIGGER_WINDOW_WITHOUT_ID(entries).message });
  if (pre.timeWindow !== undefined) problems.push(...checkTimeWindow(pre.timeWindow, ['preconditions', 'timeWindow']));
  (pre.where ?? []).forEach((group, g) => group.filters.forEach((filter, f) => {
    const at = ['preconditions', 'where', g, 'filters', f];
    if (filter.field === 'EXPRESSION' && !EXPRESSION_TYPES.has(filter.type)) problems.push({ path: [...at, 'type'], message: `an EXPRESSION filter takes ${[...EXPRESSION_TYPES].join(', ')}, not ${filter.type}` });
    if ((ONE_VALUE.has(filter.type) || filter.field === 'EXPRESSION') && filter.value === undefined) problems.push({ path: [...at, 'value'], message: `${filter.field === 'EXPRESSION' ? 'an EXPRESSION filter' : filter.type} needs \`value\`` });
    if (MANY_VALUES.has(filter.type) && filter.values === undefined) problems.push({ path: [...at, 'values'], message: `${filter.type} needs \`values\`` });
  }));
  return problems;
}

/** The ending execution's field a filter compares, rendered when it is an expression. */
function fieldOf(filter: Filter, ended: { namespace: string; flowId: string; state: string }, render: (template: string) => string): string | undefined {
  switch (filter.field) {
    case 'FLOW_ID': return ended.flowId;
    case 'NAMESPACE': return ended.namespace;
    case 'STATE': return ended.state;
    case 'EXPRESSION': return filter.value === undefined ? undefined : render(filter.value);
  }
}

/** Whether one filter passes, as Kestra compares (a string field; REGEX matches the whole field). */
export function filterPasses(filter: Filter, ended: { namespace: string; flowId: string; state: string }, render: (template: string) => string): boolean {
  const actual = fieldOf(filter, ended, render);
  const value = filter.field === 'EXPRESSION' ? undefined : filter.value;
  switch (filter.type) {
    case 'EQUAL_TO': return actual === value;
    case 'NOT_EQUAL_TO': return actual !== value;
    case 'IN': return actual !== undefined && (filter.values ?? []).includes(actual);
    case 'NOT_IN': return actual === undefined || !(filter.values ?? []).includes(actual);
    case 'IS_TRUE': return actual?.trim().toLowerCase() === 'true';
    case 'IS_FALSE': return actual?.trim().toLowerCase() === 'false';
    case 'IS_NULL': return actual === undefined || actual === '';
    case 'IS_NOT_NULL': return actual !== undefined && actual !== '';
    case 'STARTS_WITH': return actual !== undefined && value !== undefined && actual.startsWith(value);
    case 'ENDS_WITH': return actual !== undefined && value !== undefined && actual.endsWith(value);
    case 'CONTAINS': return actual !== undefined && value !== undefined && actual.includes(value);
    case 'REGEX': return actual !== undefined && value !== undefined && new RegExp(`^(?:${value})$`).test(actual);
  }
}
