import { describe, expect, it } from 'vitest';
import type { EndedExecution } from '@sluice/core';
import { isTruthy, renderTemplate } from '@sluice/engine';
import type { FlowTriggerProps } from './flow.schema.js';
import { matchEnded } from './match.js';
import type { Filter } from './preconditions.js';

const ctx = {
  render: (template: string, extra?: Readonly<Record<string, unknown>>) => renderTemplate(template, { ...extra }),
  test: (template: string, extra?: Readonly<Record<string, unknown>>) => isTruthy(renderTemplate(template, { ...extra })),
};

const ended = (over: Partial<EndedExecution> = {}): EndedExecution => ({
  id: 'abc', tenantId: 'main', namespace: 'prod.sales', flowId: 'load', flowRevision: 4, state: 'SUCCESS',
  labels: [{ key: 'team', value: 'data' }, { key: 'system.from', value: 'api' }], outputs: { rows: 7 }, taskOutputs: { only: { value: 'hello' } },
  startDate: '2024-01-01T00:00:00.000Z', endDate: '2024-01-01T00:00:01.000Z', ...over,
});

const decide = (props: FlowTriggerProps, over: Partial<EndedExecution> = {}) => matchEnded(ctx, props, ended(over));
const starts = (props: FlowTriggerProps, over: Partial<EndedExecution> = {}) => decide(props, over).kind === 'start';

describe('matchEnded', () => {
  it("gives Kestra's trigger.* and renders inputs with them and with the task outputs", () => {
    expect(decide({ inputs: { a: '{{ trigger.outputs.rows }}', b: '{{ outputs.only.value }}', c: ['{{ trigger.executionId }}'] } })).toEqual({
      kind: 'start',
      variables: { executionId: 'abc', namespace: 'prod.sales', flowId: 'load', flowRevision: 4, state: 'SUCCESS', outputs: { rows: 7 } },
      inputs: { a: '7', b: 'hello', c: ['abc'] },
    });
  });

  it('looks only at the ending states listed in states', () => {
    expect(starts({ states: ['FAILED'] })).toBe(false);
    expect(starts({ states: ['FAILED'] }, { state: 'FAILED' })).toBe(true);
  });

  it('ExecutionStatus: in and notIn, under every spelling', () => {
    for (const type of ['io.kestra.plugin.core.condition.ExecutionStatus', 'io.kestra.plugin.core.condition.ExecutionStatusCondition', 'io.kestra.core.models.conditions.types.ExecutionStatusCondition'] as const) {
      expect(starts({ conditions: [{ type, in: ['SUCCESS'] }] })).toBe(true);
      expect(starts({ conditions: [{ type, in: ['FAILED', 'WARNING'] }] })).toBe(false);
      expect(starts({ conditions: [{ type, notIn: ['SUCCESS'] }] })).toBe(false);
    }
  });

  it('ExecutionFlow and ExecutionNamespace (EQUALS, PREFIX, SUFFIX, the older prefix)', () => {
    const flow = (namespace: string, flowId: string) => ({ conditions: [{ type: 'io.kestra.plugin.core.condition.ExecutionFlow' as const, namespace, flowId }] });
    expect(starts(flow('prod.sales', 'load'))).toBe(true);
    expect(starts(flow('prod.sales', 'other'))).toBe(false);
    const ns = (namespace: string, more: { comparison?: 'EQUALS' | 'PREFIX' | 'SUFFIX'; prefix?: boolean } = {}) =>
      starts({ conditions: [{ type: 'io.kestra.plugin.core.condition.ExecutionNamespace', namespace, ...more }] });
    expect(ns('prod.sales')).toBe(true);
    expect(ns('prod')).toBe(false);
    expect(ns('prod', { comparison: 'PREFIX' })).toBe(true);
    expect(ns('prod', { prefix: true })).toBe(true);
    expect(ns('sales', { comparison: 'SUFFIX' })).toBe(true);
    expect(ns('sales', { comparison: 'PREFIX' })).toBe(false);
  });

  it('ExecutionLabels as a map or a list; every label must be there', () => {
    const labels = (value: Record<string, string> | { key: string; value: string }[]) => starts({ conditions: [{ type: 'io.kestra.plugin.core.condition.ExecutionLabels', labels: value }] });
    expect(labels({ team: 'data' })).toBe(true);
    expect(labels([{ key: 'team', value: 'data' }])).toBe(true);
    expect(labels({ team: 'data', env: 'prod' })).toBe(false);
  });

  it('expression and outputs conditions; one that throws counts as false', () => {
    const expr = (expression: string) => starts({ conditions: [{ type: 'io.kestra.plugin.core.condition.ExpressionCondition', expression }] });
    expect(expr("{{ trigger.state == 'SUCCESS' and execution.id == 'abc' }}")).toBe(true);
    expect(expr("{{ labels.team == 'ops' }}")).toBe(false);
    expect(expr('{{ nope.deeper.still }}')).toBe(false);
    expect(starts({ conditions: [{ type: 'io.kestra.plugin.core.condition.ExecutionOutputs', expression: '{{ trigger.outputs.rows > 5 }}' }] })).toBe(true);
  });

  it('preconditions: one upstream flow (states default to SUCCESS), or one where group', () => {
    const upstream = (more: object = {}) => ({ preconditions: { flows: [{ namespace: 'prod.sales', flowId: 'load', ...more }] } });
    expect(starts(upstream())).toBe(true);
    expect(starts(upstream(), { state: 'FAILED' })).toBe(false);
    expect(starts(upstream({ states: ['FAILED'] }), { state: 'FAILED' })).toBe(true);
    expect(starts({ preconditions: { flows: [{ namespace: 'prod.sales' }] } }, { flowId: 'any' })).toBe(true);
    expect(starts(upstream({ labels: { team: 'ops' } }))).toBe(false);
    const where = (operand: 'AND' | 'OR', filters: Filter[]) =>
      starts({ preconditions: { where: [{ id: 'w', operand, filters }] } });
    expect(where('AND', [{ field: 'NAMESPACE', type: 'STARTS_WITH', value: 'prod' }, { field: 'STATE', type: 'IN', values: ['SUCCESS', 'WARNING'] }])).toBe(true);
    expect(where('AND', [{ field: 'NAMESPACE', type: 'STARTS_WITH', value: 'prod' }, { field: 'FLOW_ID', type: 'EQUAL_TO', value: 'x' }])).toBe(false);
    expect(where('OR', [{ field: 'NAMESPACE', type: 'STARTS_WITH', value: 'prod' }, { field: 'FLOW_ID', type: 'EQUAL_TO', value: 'x' }])).toBe(true);
    expect(where('AND', [{ field: 'FLOW_ID', type: 'REGEX', value: 'lo' }])).toBe(false);
    expect(where('AND', [{ field: 'FLOW_ID', type: 'REGEX', value: 'lo.d' }])).toBe(true);
    expect(where('AND', [{ field: 'EXPRESSION', type: 'IS_TRUE', value: '{{ trigger.outputs.rows == 7 }}' }])).toBe(true);
    expect(where('AND', [{ field: 'STATE', type: 'NOT_IN', values: ['SUCCESS'] }])).toBe(false);
  });

  it('an end whose inputs fail to render starts nothing', () => {
    const decision = decide({ inputs: { a: '{{ nope.deeper }}' } });
    expect(decision.kind).toBe('skip');
  });
});

describe('matchEnded with a window of preconditions', () => {
  const pre = (over: Partial<NonNullable<FlowTriggerProps['preconditions']>> = {}): FlowTriggerProps => ({
    preconditions: {
      id: 'both',
      flows: [{ namespace: 'prod.sales', flowId: 'load' }, { namespace: 'prod.sales', flowId: 'stock' }],
      where: [{ id: 'team', filters: [{ field: 'EXPRESSION', type: 'IS_TRUE', value: "{{ labels.team == 'data' }}" }] }],
      ...over,
    },
  });
  const day = Date.parse('2024-01-01T00:00:00.000Z');

  it("gives the host the end's part in the window, under Kestra's keys, in the UTC day its end falls in", () => {
    expect(decide(pre())).toEqual({
      kind: 'window',
      window: { id: 'both', conditions: ['condition_1', 'condition_2', 'condition_3_team'], met: ['condition_1', 'condition_3_team'], at: day + 1000, bounds: { start: day, end: day + 86_400_000 }, resetOnSuccess: true },
      start: { kind: 'start', variables: expect.objectContaining({ executionId: 'abc', flowId: 'load' }) },
    });
    expect(decide(pre(), { flowId: 'other', labels: [] })).toMatchObject({ kind: 'skip' });
  });

  it('bounds each window type as documented', () => {
    const at = (endDate: string, timeWindow: NonNullable<FlowTriggerProps['preconditions']>['timeWindow'], resetOnSuccess?: boolean) => {
      const decision = decide(pre({ timeWindow, ...(resetOnSuccess !== undefined ? { resetOnSuccess } : {}) }), { endDate });
      return decision.kind === 'window' ? decision.window.bounds : decision.kind;
    };
    const t = (time: string) => Date.parse(`2024-01-01T${time}Z`);
    expect(at('2024-01-01T14:30:00Z', { window: 'PT6H' })).toEqual({ start: t('12:00:00'), end: t('18:00:00') });
    expect(at('2024-01-01T14:30:00Z', { window: 'PT6H', windowAdvance: 'PT3H' })).toEqual({ start: t('09:00:00'), end: t('15:00:00') });
    expect(at('2024-01-01T02:00:00Z', { window: 'P1D', windowAdvance: 'PT6H' })).toEqual({ start: t('06:00:00') - 86_400_000, end: t('06:00:00') });
    expect(at('2024-01-01T14:30:00Z', { type: 'SLIDING_WINDOW', window: 'PT1H' })).toEqual({ slidingMs: 3_600_000 });
    expect(at('2024-01-01T07:00:00Z', { type: 'DAILY_TIME_WINDOW', startTime: '06:00', endTime: '09:00:30' })).toEqual({ start: t('06:00:00'), end: t('09:00:30') });
    expect(at('2024-01-01T10:00:00Z', { type: 'DAILY_TIME_WINDOW', startTime: '06:00', endTime: '09:00' })).toBe('skip');
    expect(at('2024-01-01T08:59:59Z', { type: 'DAILY_TIME_DEADLINE', deadline: '09:00' })).toEqual({ start: t('00:00:00'), end: t('09:00:00') });
    expect(at('2024-01-01T09:00:00Z', { type: 'DAILY_TIME_DEADLINE', deadline: '09:00' })).toBe('skip');
  });

  it('with one entry, starts at once within the window and skips outside it, with no store to ask', () => {
    const one = (endDate: string) => decide({ preconditions: { flows: [{ namespace: 'prod.sales' }], timeWindow: { type: 'DAILY_TIME_DEADLINE', deadline: '09:00' } } }, { endDate }).kind;
    expect(one('2024-01-01T08:00:00Z')).toBe('start');
    expect(one('2024-01-01T10:00:00Z')).toBe('skip');
  });

  it('passes resetOnSuccess on, and counts nothing when states or conditions do not pass', () => {
    expect(decide(pre({ resetOnSuccess: false }))).toMatchObject({ kind: 'window', window: { resetOnSuccess: false } });
    expect(decide({ ...pre(), states: ['FAILED'] }).kind).toBe('skip');
  });
});
