import { renderTriggerInputs, type BaseContext, type EndedExecution, type SkipDecision, type StartDecision, type TriggerWindowEntry, type WindowDecision } from '@sluice/core';
import { hasLabels, namespaceMatches, type FlowCondition } from './conditions.js';
import type { FlowTriggerProps, FlowTriggerVariables } from './flow.schema.js';
import { filterPasses, type Preconditions } from './preconditions.js';
import { windowAt } from './time-window.js';

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

/**
 * Each precondition entry under Kestra's key (`condition_1`, ... for `flows`, then
 * `condition_N_<id>` for `where`), and whether the ending execution meets it; why not when not.
 * A filter that cannot be evaluated is not met, as in Kestra.
 */
export function preconditionResults(ctx: Ctx, pre: Preconditions, ended: EndedExecution, extra: Record<string, unknown>): { key: string; failed?: string }[] {
  const results: { key: string; failed?: string }[] = [];
  let n = 0;
  for (const upstream of pre.flows ?? []) {
    const key = `condition_${++n}`;
    if (upstream.namespace !== ended.namespace || (upstream.flowId !== undefined && upstream.flowId !== ended.flowId)) results.push({ key, failed: `flow ${ended.namespace}.${ended.flowId} is not the upstream flow of ${key}` });
    else if (!(upstream.states ?? ['SUCCESS']).includes(ended.state as never)) results.push({ key, failed: `state ${ended.state} is not a state of ${key}` });
    else if (upstream.labels && !hasLabels(ended.labels, upstream.labels)) results.push({ key, failed: `labels do not match those of ${key}` });
    else results.push({ key });
  }
  for (const group of pre.where ?? []) {
    const key = `condition_${++n}_${group.id}`;
    try {
      const passed = group.filters.map((filter) => filterPasses(filter, ended, (template) => ctx.render(template, extra)));
      const passes = (group.operand ?? 'AND') === 'AND' ? passed.every(Boolean) : passed.some(Boolean);
      results.push(passes ? { key } : { key, failed: `where '${group.id}' does not pass` });
    } catch (error) {
      results.push({ key, failed: `where '${group.id}' could not be evaluated: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  return results;
}

/**
 * The Flow trigger's decision for one ending execution, in Kestra's order: its state must be in
 * `states`, every condition must pass, then the preconditions: with one entry it must be met
 * within the time window; with several, the execution's part in the window is returned for the
 * host to record, which starts the flow when it completes the window. The inputs are rendered
 * with the ending execution. Pure: the same end always gives the same answer.
 */
export function matchEnded(ctx: Ctx, props: FlowTriggerProps, ended: EndedExecution): StartDecision<FlowTriggerVariables> | SkipDecision | WindowDecision<FlowTriggerVariables> {
  const variables = flowTriggerVariables(ended);
  const extra = templateVariables(ended, variables);
  const skip = (reason: string): SkipDecision => ({ kind: 'skip', reason });
  if (props.states && !props.states.includes(ended.state as never)) return skip(`state ${ended.state} is not in states`);
  for (const [index, condition] of (props.conditions ?? []).entries()) {
    const failed = conditionFails(ctx, condition, ended, extra);
    if (failed !== undefined) return skip(`conditions[${index}]: ${failed}`);
  }
  let window: TriggerWindowEntry | undefined;
  const pre = props.preconditions;
  if (pre) {
    const results = preconditionResults(ctx, pre, ended, extra);
    const met = results.filter((r) => r.failed === undefined).map((r) => r.key);
    if (results.length > 0 && met.length === 0) return skip(`preconditions: ${results.map((r) => r.failed).join('; ')}`);
    // The window an execution joins is the one its end falls in, not when a worker got to it: the same end always gives the same answer.
    const endedAt = Date.parse(ended.endDate);
    const at = Number.isNaN(endedAt) ? Date.now() : endedAt;
    const bounds = windowAt(pre.timeWindow, at);
    if (bounds === undefined) return skip('preconditions: the execution ended outside the time window');
    // One entry is the whole window: it fires at once, with no store to ask.
    if (results.length > 1) {
      window = { id: pre.id ?? 'preconditions', conditions: results.map((r) => r.key), met, at, bounds, resetOnSuccess: pre.resetOnSuccess ?? true };
    }
  }
  const start = startOf(ctx, props, variables, extra);
  if (start.kind === 'skip' || window === undefined) return start;
  return { kind: 'window', window, start };
}

/** The start decision with the inputs rendered from the ending execution, or why it cannot start. */
function startOf(ctx: Ctx, props: FlowTriggerProps, variables: FlowTriggerVariables, extra: Record<string, unknown>): StartDecision<FlowTriggerVariables> | SkipDecision {
  if (props.inputs === undefined) return { kind: 'start', variables };
  const rendered = renderTriggerInputs(ctx, props.inputs, extra);
  if (!rendered.ok) return { kind: 'skip', reason: `inputs failed to render: ${rendered.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}` };
  return { kind: 'start', variables, inputs: rendered.inputs };
}
