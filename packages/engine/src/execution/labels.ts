import type { Label } from '../model/execution.js';

/** Label keys Kestra reserves for itself; flows cannot set them. */
export const SYSTEM_PREFIX = 'system.';
/** The label linking executions of one business transaction; the execution's own id by default. */
export const CORRELATION_ID_LABEL = 'system.correlationId';
/** The label saying what started the execution: `trigger`, `api` or `schedule`. */
export const FROM_LABEL = 'system.from';

/**
 * The labels of a new execution: the flow's (system labels dropped, as Kestra copies them),
 * then the trigger's, then the caller's, a later source replacing an earlier one with the same
 * key in place; then `system.correlationId` and `system.from` unless the caller set them (the
 * API lets callers pass those two, to chain executions).
 */
export function executionLabels(sources: {
  flow: readonly Label[];
  trigger: readonly Label[];
  extra: readonly Label[];
  executionId: string;
  from: string;
}): Label[] {
  const byKey = new Map<string, string>();
  for (const label of sources.flow) {
    if (!label.key.startsWith(SYSTEM_PREFIX)) byKey.set(label.key, label.value);
  }
  for (const label of [...sources.trigger, ...sources.extra]) byKey.set(label.key, label.value);
  if (!byKey.has(CORRELATION_ID_LABEL)) byKey.set(CORRELATION_ID_LABEL, sources.executionId);
  if (!byKey.has(FROM_LABEL)) byKey.set(FROM_LABEL, sources.from);
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/**
 * Labels as the `labels` variable of expressions: a map where dotted keys nest
 * (`labels.system.correlationId`), and the first label wins when keys collide, as in Kestra.
 */
export function labelsVariable(labels: readonly Label[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { key, value } of labels) {
    const parts = key.split('.');
    let node = root;
    let blocked = false;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === undefined) node = node[part] = {};
      else if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
      else {
        blocked = true;
        break;
      }
    }
    const last = parts[parts.length - 1] ?? key;
    if (!blocked && !Object.hasOwn(node, last)) node[last] = value;
  }
  return root;
}
