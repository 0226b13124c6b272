import { isFlowableTask } from '@sluice/core';
import type { PluginRegistry } from '../plugins/types.js';
import { REQUIRED_KEYS } from './check-flow.js';
import { splitProps } from './check-items.js';
import { FLOW_EXTRA, Input, TASK_ENVELOPE_KEYS, TRIGGER_ENVELOPE_KEYS } from './envelope.js';
import type { Flow, FlowConcurrency, FlowInput, FlowOutput, FlowTask, FlowTrigger } from './flow.types.js';
import { toLabels } from './labels.js';
import { withoutNulls } from './report.js';
import { FLOWABLE_ENVELOPE_KEYS, mapTasks } from './task-lists.js';

// The builders below run only on a value checkFlow passed, so the casts state what was checked.
type Json = Record<string, unknown>;

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

function task(raw: Json, registry: PluginRegistry): FlowTask {
  const item = withoutNulls(raw, []);
  const condition = item.runIf ?? item.when;
  const definition = registry.task(item.type as string)?.definition;
  let props = splitProps(item, TASK_ENVELOPE_KEYS);
  let handlers: Pick<FlowTask, 'errors' | 'finally'> = {};
  if (definition && isFlowableTask(definition)) {
    // A flowable's children are built here, once, so the executor finds them by id.
    const build = (value: unknown) => list(value).map((t) => task(t, registry));
    handlers = { ...optional('errors', props.errors === undefined ? undefined : build(props.errors)), ...optional('finally', props.finally === undefined ? undefined : build(props.finally)) };
    props = mapTasks(definition.props, splitProps(props, FLOWABLE_ENVELOPE_KEYS), [], (child) => task(child as Json, registry)) as Json;
  }
  return {
    id: item.id as string,
    // The canonical type even when an alias was written; nothing else records the alias.
    type: registry.task(item.type as string)?.type ?? (item.type as string),
    ...optional('description', str(item.description)),
    disabled: item.disabled === true,
    allowFailure: item.allowFailure === true,
    allowWarning: item.allowWarning === true,
    ...optional('timeout', str(item.timeout)),
    ...optional('retry', item.retry as Json | undefined),
    ...optional('logLevel', str(item.logLevel)),
    ...optional('runIf', condition === undefined ? undefined : String(condition)),
    ...optional('workerGroup', item.workerGroup as Json | undefined),
    ...optional('logToFile', item.logToFile as boolean | undefined),
    props,
    ...handlers,
  };
}

function trigger(raw: Json, registry: PluginRegistry): FlowTrigger {
  const item = withoutNulls(raw, []);
  return {
    id: item.id as string,
    type: registry.trigger(item.type as string)?.type ?? (item.type as string),
    ...optional('description', str(item.description)),
    disabled: item.disabled === true,
    labels: toLabels(item.labels),
    ...optional('logLevel', str(item.logLevel ?? item.minLogLevel)),
    ...optional('workerGroup', item.workerGroup as Json | undefined),
    ...optional('stopAfter', item.stopAfter as string[] | undefined),
    ...optional('logToFile', item.logToFile as boolean | undefined),
    props: splitProps(item, TRIGGER_ENVELOPE_KEYS),
  };
}

const INPUT_KEYS = new Set(Object.keys(Input.properties).filter((key) => key !== 'dependsOn'));

/** A flow input declaration as written (also a Pause's `onResume` item), built as the engine holds it. */
export function input(raw: Json): FlowInput {
  const item = withoutNulls(raw, []);
  return {
    id: item.id as string,
    type: item.type as string,
    ...optional('description', str(item.description)),
    required: item.required !== false,
    ...optional('defaults', item.defaults),
    ...optional('displayName', str(item.displayName)),
    // Type-specific fields (values, min, max, validator...) and dependsOn, as written.
    extra: Object.fromEntries(Object.entries(item).filter(([key]) => !INPUT_KEYS.has(key))),
  };
}

function output(raw: Json): FlowOutput {
  const item = withoutNulls(raw, []);
  return { id: item.id as string, type: item.type as string, value: item.value, ...optional('description', str(item.description)) };
}

// Checked by the envelope's schema: a mapping with an integer limit of at least 1 and a known behavior.
function concurrency(value: unknown): FlowConcurrency | undefined {
  if (value === undefined || value === null) return undefined;
  const { limit, behavior } = value as { limit: number; behavior?: FlowConcurrency['behavior'] };
  return { limit, behavior: behavior ?? 'QUEUE' };
}

/** Builds the engine's {@link Flow} from a value {@link checkFlow} found no problem in. */
export function buildFlow(value: Json, registry: PluginRegistry, tenantId: string): Flow {
  const flow = withoutNulls(value, REQUIRED_KEYS);
  return {
    tenantId,
    id: flow.id as string,
    namespace: flow.namespace as string,
    ...optional('description', str(flow.description)),
    labels: toLabels(flow.labels),
    inputs: list(flow.inputs).map(input),
    variables: (flow.variables as Json | undefined) ?? {},
    outputs: list(flow.outputs).map(output),
    tasks: list(flow.tasks).map((t) => task(t, registry)),
    ...optional('errors', flow.errors === undefined ? undefined : list(flow.errors).map((t) => task(t, registry))),
    ...optional('finally', flow.finally === undefined ? undefined : list(flow.finally).map((t) => task(t, registry))),
    triggers: list(flow.triggers).map((t) => trigger(t, registry)),
    disabled: flow.disabled === true,
    ...optional('concurrency', concurrency(flow.concurrency)),
    extra: Object.fromEntries(Object.entries(flow).filter(([key]) => key in FLOW_EXTRA)),
  };
}
