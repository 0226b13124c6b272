import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isFlowableTask } from '@sluice/core';
import { engineErrors } from '../errors.js';
import type { PluginRegistry, RegisteredTask, RegisteredTrigger } from '../plugins/types.js';
import { schemasOf } from '../plugins/schemas.js';
import { schemaProblems, type PathSegment } from '../plugins/value-errors.js';
import { TASK_ENVELOPE_KEYS, TRIGGER_ENVELOPE_KEYS, TaskEnvelope, TriggerEnvelope } from './envelope.js';
import { checkLabels } from './labels.js';
import { checkRetry } from './check-retry.js';
import { checkCondition, checkTemplates } from './check-templates.js';
import { isMapping, withoutNulls, type Reporter } from './report.js';
import { FLOWABLE_ENVELOPE_KEYS, mapTasks } from './task-lists.js';

const { FLOW_SCHEMA, FLOW_INVALID_PROPS, FLOW_WRONG_KIND, FLOW_UNSUPPORTED, PLUGIN_UNKNOWN_TYPE } = engineErrors.codes;

/** Why a field Kestra has is refused at save: accepting and ignoring it would mislead. */
export const UNSUPPORTED = {
  flowableTimeout: 'timeout is not supported on a flowable task (Kestra ignores it there too); set timeout on the tasks inside it',
} as const;
const TaskCheck = TypeCompiler.Compile(TaskEnvelope);
const TriggerCheck = TypeCompiler.Compile(TriggerEnvelope);
const REQUIRED = ['id', 'type'];

/** An id met while checking, with where it was written, for the duplicate check. */
export interface SeenId {
  readonly id: string;
  readonly segments: readonly PathSegment[];
}

/** Splits a task or trigger into its envelope and the plugin's own props. */
export function splitProps(item: Record<string, unknown>, envelopeKeys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !envelopeKeys.has(key)));
}

function unknownType(registry: PluginRegistry, type: string, kind: 'task' | 'trigger'): string {
  const suggestions = registry.suggest(type, 10).filter((t) => (kind === 'task' ? registry.task(t) : registry.trigger(t))).slice(0, 3);
  if (suggestions.length > 0) {
    const list = suggestions.length === 1 ? suggestions[0] : `${suggestions.slice(0, -1).join(', ')} or ${suggestions.at(-1)}`;
    return engineErrors.PLUGIN_UNKNOWN_TYPE(type, `; did you mean ${list}?`).message;
  }
  // Nothing close: say what is loaded, so "typo" and "package not installed" can be told apart.
  const loaded = registry.packages().map((p) => p.name);
  const why = loaded.length > 0 ? `no loaded ${kind} has this type (loaded packages: ${loaded.join(', ')})` : 'no plugin packages are loaded';
  return engineErrors.PLUGIN_UNKNOWN_TYPE(type, `; ${why}`).message;
}

// Kestra's uniqueness covers every task of a flow, those nested in flowable tasks too. Sluice has
// no flowable plugin yet, so nested tasks are recognised by their shape: a mapping with a string
// `id` and a string `type`, inside a list.
function nestedIds(value: unknown, at: readonly PathSegment[], out: SeenId[], inList: boolean): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => nestedIds(item, [...at, i], out, true));
  } else if (isMapping(value)) {
    if (inList && typeof value.id === 'string' && typeof value.type === 'string') out.push({ id: value.id, segments: [...at, 'id'] });
    for (const [key, child] of Object.entries(value)) nestedIds(child, [...at, key], out, false);
  }
}

function resolveType(
  registry: PluginRegistry,
  reporter: Reporter,
  item: Record<string, unknown>,
  at: readonly PathSegment[],
  kind: 'task' | 'trigger',
): RegisteredTask | RegisteredTrigger | undefined {
  const type = item.type;
  if (typeof type !== 'string' || type === '') return undefined; // the envelope check said so
  const entry = kind === 'task' ? registry.task(type) : registry.trigger(type);
  if (entry) return entry;
  const other = kind === 'task' ? registry.trigger(type) : registry.task(type);
  if (other) reporter.add(FLOW_WRONG_KIND, [...at, 'type'], engineErrors.FLOW_WRONG_KIND(type, other.kind, other.kind === 'task' ? 'tasks' : 'triggers').message);
  else reporter.add(PLUGIN_UNKNOWN_TYPE, [...at, 'type'], unknownType(registry, type, kind));
  return undefined;
}

function checkProps(reporter: Reporter, entry: RegisteredTask | RegisteredTrigger, props: Record<string, unknown>, at: readonly PathSegment[]): void {
  const problems = schemaProblems(schemasOf(entry.definition).saveTime, props);
  reporter.addAll(FLOW_INVALID_PROPS, at, problems);
  // Templates are compiled only in props that passed: a wrong shape is already reported.
  if (problems.length === 0) checkTemplates(reporter, entry.definition.props as TSchema, props, at);
}

function oneOf(reporter: Reporter, item: Record<string, unknown>, at: readonly PathSegment[], first: string, second: string): void {
  if (item[first] !== undefined && item[second] !== undefined) {
    reporter.add(FLOW_SCHEMA, [...at, second], `'${first}' and '${second}' are two names of one field; keep one`, 'key');
  }
}

/**
 * Checks one task: its envelope, its type (resolved through the registry, with suggestions
 * when unknown) and its props against the save-time schema. Returns the ids it declares, its
 * own first, for the flow-wide duplicate check.
 */
export function checkTask(registry: PluginRegistry, reporter: Reporter, raw: unknown, at: readonly PathSegment[]): SeenId[] {
  if (!isMapping(raw)) {
    reporter.add(FLOW_SCHEMA, at, 'a task must be a mapping with at least id and type');
    return [];
  }
  const item = withoutNulls(raw, REQUIRED);
  reporter.addAll(FLOW_SCHEMA, at, schemaProblems(TaskCheck, item));
  oneOf(reporter, item, at, 'runIf', 'when');
  checkCondition(reporter, item.runIf ?? item.when, [...at, item.runIf === undefined ? 'when' : 'runIf']);
  checkRetry(reporter, item.retry, [...at, 'retry']);
  const props = splitProps(item, TASK_ENVELOPE_KEYS);
  const entry = resolveType(registry, reporter, item, at, 'task');
  const ids: SeenId[] = typeof item.id === 'string' ? [{ id: item.id, segments: [...at, 'id'] }] : [];
  if (entry && isFlowableTask(entry.definition)) {
    ids.push(...checkFlowable(registry, reporter, item, entry.definition.props, props, at, entry.definition.waits === true));
    const own = splitProps(props, FLOWABLE_ENVELOPE_KEYS);
    const before = reporter.problems.length;
    checkProps(reporter, entry, own, at);
    // The plugin's own checks read props the schema accepted; give them nothing else.
    if (reporter.problems.length === before && entry.definition.check) {
      for (const problem of entry.definition.check(own as never)) reporter.add(FLOW_INVALID_PROPS, [...at, ...problem.path], problem.message);
    }
    return ids;
  }
  if (entry) checkProps(reporter, entry, props, at);
  for (const [key, value] of Object.entries(props)) nestedIds(value, [...at, key], ids, false);
  return ids;
}

// A flowable's children are tasks like any other: each is checked where it is written, and its
// ids join the flow-wide uniqueness check.
function checkFlowable(
  registry: PluginRegistry, reporter: Reporter, item: Record<string, unknown>, schema: TSchema, props: Record<string, unknown>, at: readonly PathSegment[],
  waits = false,
): SeenId[] {
  const ids: SeenId[] = [];
  const checkOne = (child: unknown, childAt: readonly PathSegment[]) => {
    ids.push(...checkTask(registry, reporter, child, childAt));
    return child;
  };
  // A waiting task (Pause, Sleep) takes a timeout: it bounds the wait.
  if (item.timeout !== undefined && !waits) reporter.add(FLOW_UNSUPPORTED, [...at, 'timeout'], UNSUPPORTED.flowableTimeout, 'key');
  for (const key of FLOWABLE_ENVELOPE_KEYS) {
    const list = props[key];
    if (list === undefined) continue;
    if (Array.isArray(list)) list.forEach((child, i) => checkOne(child, [...at, key, i]));
    else reporter.add(FLOW_SCHEMA, [...at, key], `${key} must be a list of tasks`);
  }
  mapTasks(schema, splitProps(props, FLOWABLE_ENVELOPE_KEYS), at, checkOne);
  return ids;
}

/** Checks one trigger as {@link checkTask} checks a task; returns its id. */
export function checkTrigger(registry: PluginRegistry, reporter: Reporter, raw: unknown, at: readonly PathSegment[]): SeenId[] {
  if (!isMapping(raw)) {
    reporter.add(FLOW_SCHEMA, at, 'a trigger must be a mapping with at least id and type');
    return [];
  }
  const item = withoutNulls(raw, REQUIRED);
  reporter.addAll(FLOW_SCHEMA, at, schemaProblems(TriggerCheck, item));
  reporter.addAll(FLOW_SCHEMA, [], checkLabels(item.labels, [...at, 'labels']));
  oneOf(reporter, item, at, 'logLevel', 'minLogLevel');
  const entry = resolveType(registry, reporter, item, at, 'trigger');
  if (entry?.kind === 'trigger') {
    const props = splitProps(item, TRIGGER_ENVELOPE_KEYS);
    const before = reporter.problems.length;
    checkProps(reporter, entry, props, at);
    // The plugin's own checks read props the schema accepted; give them nothing else.
    if (reporter.problems.length === before && entry.definition.check) {
      for (const problem of entry.definition.check(props as never)) reporter.add(FLOW_INVALID_PROPS, [...at, ...problem.path], problem.message);
    }
  }
  return typeof item.id === 'string' ? [{ id: item.id, segments: [...at, 'id'] }] : [];
}
