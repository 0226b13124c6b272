import { createHash } from 'node:crypto';
import { derivedId } from '../model/ids.js';
import type { FlowKey } from '../ports/ports.js';

/**
 * The id of a flow's schedule: `tenant/namespace/flowId/triggerId`. Kestra's ids hold neither
 * `/` nor `:`, and the parts are URI-encoded anyway, so an id always names one trigger and
 * never holds a `:` (BullMQ refuses it in job ids).
 */
export function scheduleIdOf(flowKey: FlowKey, triggerId: string): string {
  return [flowKey.tenantId, flowKey.namespace, flowKey.id, triggerId].map(encodeURIComponent).join('/');
}

/**
 * The execution id of a schedule's tick: 22 base62 characters (the shape of `newId()`) taken
 * from a SHA-256 of the schedule id and the tick's instant. Every process that handles the same
 * tick makes the same id, so the store's "create only if absent" turns a tick delivered twice
 * (two consumers, a crash mid-tick, a restart) into one execution.
 */
export function scheduleExecutionId(scheduleId: string, date: Date): string {
  return derivedId('sluice-schedule', scheduleId, String(date.getTime()));
}

/** A fingerprint of a value as JSON with sorted keys, so key order in YAML does not matter. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('base64url').slice(0, 22);
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
