import type { FlowRevision, FlowTask, FlowTrigger } from '@sluice/engine';

const taskJson = (t: FlowTask): Record<string, unknown> => ({
  id: t.id,
  type: t.type,
  ...(t.description !== undefined ? { description: t.description } : {}),
  ...t.props,
  ...(t.disabled ? { disabled: true } : {}),
  ...(t.allowFailure ? { allowFailure: true } : {}),
  ...(t.timeout !== undefined ? { timeout: t.timeout } : {}),
});

const triggerJson = (t: FlowTrigger): Record<string, unknown> => ({
  id: t.id,
  type: t.type,
  ...(t.description !== undefined ? { description: t.description } : {}),
  ...t.props,
  ...(t.disabled ? { disabled: true } : {}),
});

/**
 * A flow revision as Kestra's `FlowWithSource` JSON: the flow's fields, `revision`, and the
 * YAML `source` exactly as written. Webhook keys are part of the source, which only
 * authenticated callers can read.
 */
export function flowToJson(flow: FlowRevision): Record<string, unknown> {
  return {
    id: flow.id,
    namespace: flow.namespace,
    revision: flow.revision,
    ...(flow.description !== undefined ? { description: flow.description } : {}),
    ...(flow.labels.length > 0 ? { labels: flow.labels } : {}),
    ...(flow.inputs.length > 0 ? { inputs: flow.inputs.map(({ extra, ...input }) => ({ ...input, ...extra })) } : {}),
    ...(Object.keys(flow.variables).length > 0 ? { variables: flow.variables } : {}),
    tasks: flow.tasks.map(taskJson),
    ...(flow.triggers.length > 0 ? { triggers: flow.triggers.map(triggerJson) } : {}),
    ...(flow.outputs.length > 0 ? { outputs: flow.outputs } : {}),
    disabled: flow.disabled,
    deleted: flow.deleted,
    updated: flow.updated,
    source: flow.source,
  };
}
