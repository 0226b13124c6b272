import { TypeCompiler } from '@sinclair/typebox/compiler';
import { engineErrors } from '../errors.js';
import type { PluginRegistry } from '../plugins/types.js';
import { schemaProblems, type PathSegment } from '../plugins/value-errors.js';
import { checkTask, checkTrigger, type SeenId } from './check-items.js';
import { checkRetry } from './check-retry.js';
import { FlowEnvelope, Input, Output } from './envelope.js';
import { checkLabels, FLOW_SYSTEM_LABELS } from './labels.js';
import { isMapping, withoutNulls, type Reporter } from './report.js';

const { FLOW_SCHEMA, FLOW_DUPLICATE_ID, FLOW_UNSUPPORTED } = engineErrors.codes;

// Flow-level keys Kestra has that Sluice does not act on: refused when set, never accepted and
// ignored (a flow's author would believe their listener, SLA or check in place). Written empty
// (an empty list, `draft: false`), they ask for nothing and pass.
const UNSUPPORTED_FLOW_KEYS: Readonly<Record<string, string>> = {
  afterExecution: 'afterExecution is not supported yet; run the tasks in finally, which runs before the execution ends',
  listeners: 'listeners are not supported (Kestra deprecated them); run the tasks in errors or finally, or start another flow with a Flow trigger',
  sla: 'sla is not supported: Sluice does not watch executions against a service-level agreement; remove it, or bound the tasks with timeout',
  checks: 'checks are not supported: nothing would run them before an execution starts; check the inputs with their validator, or fail early with an execution.Fail task',
  workerSelector: 'workerSelector is not supported: any worker runs any execution',
  draft: 'draft revisions are not supported: every saved revision is the one that runs; save the flow when it is ready',
};
const isSet = (value: unknown): boolean => value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
const FlowCheck = TypeCompiler.Compile(FlowEnvelope);
const InputCheck = TypeCompiler.Compile(Input);
const OutputCheck = TypeCompiler.Compile(Output);

/** The keys a flow must have; they stay even when written empty, to be reported as such. */
export const REQUIRED_KEYS = ['id', 'namespace', 'tasks'] as const;

// Lists of tasks: the main one, then the handlers Kestra runs around it, in that order for ids.
const TASK_LISTS = ['tasks', 'errors', 'finally', 'afterExecution'] as const;

const listAt = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);

/** Reports every id met after its first occurrence, with `message(id)`, at the later one. */
function duplicates(reporter: Reporter, seen: readonly SeenId[], message: (id: string) => string): void {
  const first = new Set<string>();
  for (const { id, segments } of seen) {
    if (first.has(id)) reporter.add(FLOW_DUPLICATE_ID, segments, message(id));
    first.add(id);
  }
}

function checkDeclarations(reporter: Reporter, flow: Record<string, unknown>, key: 'inputs' | 'outputs'): void {
  const check = key === 'inputs' ? InputCheck : OutputCheck;
  const seen: SeenId[] = [];
  listAt(flow[key]).forEach((item, i) => {
    const at: PathSegment[] = [key, i];
    if (!isMapping(item)) return reporter.add(FLOW_SCHEMA, at, `an ${key.slice(0, -1)} must be a mapping with at least id and type`);
    reporter.addAll(FLOW_SCHEMA, at, schemaProblems(check, withoutNulls(item, ['id', 'type', 'value'])));
    if (typeof item.id === 'string') seen.push({ id: item.id, segments: [...at, 'id'] });
  });
  // Kestra's FlowValidator words these without "id".
  duplicates(reporter, seen, (id) => `Duplicate ${key.slice(0, -1)} with name [${id}]`);
}

/**
 * Checks a flow's plain value (as YAML read it) and reports every problem, not the first:
 * the envelope, labels, inputs and outputs, each task and trigger (type and props), and the
 * uniqueness of ids with Kestra's messages.
 */
export function checkFlow(value: unknown, registry: PluginRegistry, reporter: Reporter): void {
  if (!isMapping(value)) {
    reporter.add(FLOW_SCHEMA, [], 'a flow must be a mapping with at least id, namespace and tasks');
    return;
  }
  const flow = withoutNulls(value, REQUIRED_KEYS);
  reporter.addAll(FLOW_SCHEMA, [], schemaProblems(FlowCheck, flow).filter((p) => !(String(p.segments[0]) in UNSUPPORTED_FLOW_KEYS)));
  reporter.addAll(FLOW_SCHEMA, [], checkLabels(flow.labels, ['labels'], FLOW_SYSTEM_LABELS));
  for (const [key, message] of Object.entries(UNSUPPORTED_FLOW_KEYS)) {
    if (isSet(flow[key])) reporter.add(FLOW_UNSUPPORTED, [key], message, 'key');
  }
  checkRetry(reporter, flow.retry, ['retry']);
  checkDeclarations(reporter, flow, 'inputs');
  checkDeclarations(reporter, flow, 'outputs');

  const taskIds: SeenId[] = [];
  for (const list of TASK_LISTS) {
    listAt(flow[list]).forEach((task, i) => taskIds.push(...checkTask(registry, reporter, task, [list, i])));
  }
  duplicates(reporter, taskIds, (id) => engineErrors.FLOW_DUPLICATE_ID('task', id).message);

  const triggerIds: SeenId[] = [];
  listAt(flow.triggers).forEach((trigger, i) => triggerIds.push(...checkTrigger(registry, reporter, trigger, ['triggers', i])));
  duplicates(reporter, triggerIds, (id) => engineErrors.FLOW_DUPLICATE_ID('trigger', id).message);
}
