import { Dynamic, Type, type PropsProblem, type Static } from '@sluice/core';
import { Labels as LabelsSchema } from './labels.js';
import { endStates } from './states.js';
import { flowTriggerErrors } from './errors.js';

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

/** Kestra's `preconditions`, as far as one ending execution decides them. */
export const Preconditions = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, description: 'An id for the preconditions (Kestra keys its windows by it).' })),
    resetOnSuccess: Type.Optional(Type.Boolean({ default: true, description: 'Kestra\'s window reset after each firing. Only `true` is supported: every matching execution fires.' })),
    timeWindow: Type.Optional(Type.Object(
      {
        type: Type.Optional(Type.String({ description: 'The window type (`DURATION_WINDOW`, `SLIDING_WINDOW`, `DAILY_TIME_WINDOW`, `DAILY_TIME_DEADLINE`).' })),
        window: Type.Optional(Type.String({ description: 'The window length, ISO-8601.' })),
        windowAdvance: Type.Optional(Type.String({ description: 'The window shift, ISO-8601.' })),
        deadline: Type.Optional(Type.String({ description: 'The deadline of `DAILY_TIME_DEADLINE`.' })),
        startTime: Type.Optional(Type.String({ description: 'The start of `DAILY_TIME_WINDOW`.' })),
        endTime: Type.Optional(Type.String({ description: 'The end of `DAILY_TIME_WINDOW`.' })),
      },
      { additionalProperties: false, description: 'Kestra\'s time window, in which several executions must end. Refused at save: Sluice fires on one execution at a time.' },
    )),
    flows: Type.Optional(Type.Array(
      Type.Object(
        {
          namespace: Type.String({ minLength: 1, description: 'The namespace of the upstream flow.' }),
          flowId: Type.Optional(Type.String({ minLength: 1, description: 'The upstream flow; any flow of the namespace when absent.' })),
          states: Type.Optional(endStates('The states the upstream execution must end in. Default `SUCCESS`, as in Kestra.')),
          labels: Type.Optional(LabelsSchema),
        },
        { additionalProperties: false, description: 'An upstream flow.' },
      ),
      { description: 'The upstream flow whose executions start this flow. One entry: several wait for a window, which is refused.' },
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
      { description: 'Filters on the ending execution. One entry: several wait for a window, which is refused.' },
    )),
  },
  { additionalProperties: false, description: 'Kestra\'s preconditions on the ending execution: one `flows` or one `where` entry.' },
);
export type Preconditions = Static<typeof Preconditions>;

/**
 * What the preconditions ask that Sluice does not run, at their paths: several entries (Kestra
 * waits for all of them within a time window, possibly met by different executions), a time
 * window, `resetOnSuccess: false`; and filters missing the value their comparison needs.
 */
export function checkPreconditions(pre: Preconditions): PropsProblem[] {
  const problems: PropsProblem[] = [];
  const entries = (pre.flows?.length ?? 0) + (pre.where?.length ?? 0);
  if (entries > 1) problems.push({ path: ['preconditions'], message: flowTriggerErrors.FLOW_TRIGGER_MULTI_EXECUTION_WINDOW(entries).message });
  if (pre.timeWindow !== undefined) problems.push({ path: ['preconditions', 'timeWindow'], message: flowTriggerErrors.FLOW_TRIGGER_UNSUPPORTED_WINDOW('timeWindow').message });
  if (pre.resetOnSuccess === false) problems.push({ path: ['preconditions', 'resetOnSuccess'], message: flowTriggerErrors.FLOW_TRIGGER_UNSUPPORTED_WINDOW('resetOnSuccess: false').message });
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
