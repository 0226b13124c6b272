import { renderTriggerInputs, type BaseContext, type EndedExecution, type SkipDecision, type StartDecision } from '@sluice/core';
import { hasLabels, namespaceMatches, type FlowCondition } from './conditions.js';
import type { FlowTriggerProps, FlowTriggerVariables } from './flow.schema.js';
import { filterPasses, type Preconditions } from './preconditions.js';

type Ctx = Pick<BaseContext, 'render' | 'test'>;

/** Kestra's `trigger.*` of an execution a Flow trigger starts. */
export function flowTriggerVariables(ended: EndedExecution): FlowTriggerVariables {
  return { executionId: ended.id, namespace: ended.namespace, flowId: ended.flowId, flowRevision: ended.flowRevision, state: ended.state, outputs: { ...ended.outputs } };
}

/** What templates of the trigger see: the new `trigger.*`, and the ending execution's own variables. */
function templateVariables(ended: EndedExecution, variables: FlowTriggerVariables): Record<string, unknown> {
  return {
    trigger: variables,
    execution: { id: ended.id, state: ended.state, startDate: ended.startDate, endDate: ended.endDate },
    outputs: ended.taskOutputs,
    labels: Object.fromEntries(ended.labels.map((label) => [label.key, label.value])),
  };
}

/** Whether one condition passes; why not when it does not. A template that throws fails it, as in Kestra. */
function conditionFails(ctx: Ctx, condition: FlowCondition, ended: EndedExecution, extra: Record<string, unknown>): string | undefined {
  const kind = condition.type.replace(/^.*\./, '').replace(/Condition$/, '');
  switch (kind) {
    case 'ExecutionStatus': {
      const c = condition as { in?: readonly string[]; notIn?: readonly string[] };
      if (c.in && !c.in.includes(ended.state)) return `state ${ended.state} is not in ${c.in.join(', ')}`;
      if (c.notIn?.includes(ended.state)) return `state ${ended.state} is in notIn`;
      return undefined;
    }
    case 'ExecutionFlow': {
      const c = condition as { namespace: string; flowId: string };
      return c.namespace === ended.namespace && c.flowId === ended.flowId ? undefined : `flow ${ended.namespace}.${ended.flowId} is not ${c.namespace}.${c.flowId}`;
    }
    case 'ExecutionNamespace': {
      const c = condition as Parameters<typeof namespaceMatches>[1];
      return namespaceMatches(ended.namespace, c) ? undefined : `namespace ${ended.namespace} does not match ${c.namespace}`;
    }
    case 'ExecutionLabels':
      return hasLabels(ended.labels, (condition as { labels: Parameters<typeof hasLabels>[1] }).labels) ? undefined : 'labels do not match';
    default: {
      // ExecutionOutputs and the expression conditions: a template.
      const { expression } = condition as { expression: string };
      try {
        return ctx.test(expression, extra) ? undefined : `${kind} is false`;
      } catch (error) {
        return `${kind} could not be evaluated: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
}

/** Whether the (single-entry) preconditions pass for the ending execution; why not when they do not. */
function preconditionsFail(ctx: Ctx, pre: Preconditions, ended: EndedExecution, extra: Record<string, unknown>): string | undefined {
  for (const upstream of pre.flows ?? []) {
    if (upstream.namespace !== ended.namespace || (upstream.flowId !== undefined && upstream.flowId !== ended.flowId)) return `flow ${ended.namespace}.${ended.flowId} is not an upstream flow`;
    if (!(upstream.states ?? ['SUCCESS']).includes(ended.state as never)) return `state ${ended.state} is not an upstream state`;
    if (upstream.labels && !hasLabels(ended.labels, upstream.labels)) return 'labels do not match the upstream flow\'s';
  }
  for (const group of pre.where ?? []) {
    let results: boolean[];
    try {
      results = group.filters.map((filter) => filterPasses(filter, ended, (template) => ctx.render(template, extra)));
    } catch (error) {
      return `where '${group.id}' could not be evaluated: ${error instanceof Error ? error.message : String(error)}`;
    }
    const passes = (group.operand ?? 'AND') === 'AND' ? results.every(Boolean) : results.some(Boolean);
    if (!passes) return `where '${group.id}' does not pass`;
  }
  return undefined;
}

/**
 * The Flow trigger's decision for one ending execution, in Kestra's order: its state must be in
 * `states`, every condition must pass, then the preconditions; the inputs are rendered with the
 * ending execution. Pure: the same end always gives the same answer.
 */
export function matchEnded(ctx: Ctx, props: FlowTriggerProps, ended: EndedExecution): StartDecision<FlowTriggerVariables> | SkipDecision {
  const variables = flowTriggerVariables(ended);
  const extra = templateVariables(ended, variables);
  const skip = (reason: string): SkipDecision => ({ kind: 'skip', reason });
  if (props.states && !props.states.includes(ended.state as never)) return skip(`state ${ended.state} is not in states`);
  for (const [index, condition] of (props.conditions ?? []).entries()) {
    const failed = conditionFails(ctx, condition, ended, extra);
    if (failed !== undefined) return skip(`conditions[${index}]: ${failed}`);
  }
  if (props.preconditions) {
    const failed = preconditionsFail(ctx, props.preconditions, ended, extra);
    if (failed !== undefined) return skip(`preconditions: ${failed}`);
  }
  if (props.inputs === undefined) return { kind: 'start', variables };
  const rendered = renderTriggerInputs(ctx, props.inputs, extra);
  if (!rendered.ok) return skip(`inputs failed to render: ${rendered.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return { kind: 'start', variables, inputs: rendered.inputs };
}
