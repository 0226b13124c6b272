import { CORRELATION_ID_LABEL, FROM_LABEL, type Label } from '@sluice/engine';

/**
 * Kestra's `labels` query parameter of `POST /executions/{namespace}/{id}`: one or more
 * `key:value` (split at the first colon), labels the new execution takes beside its flow's.
 * `system.` keys are the host's, but for `system.correlationId` and `system.from`, which callers
 * may pass to chain executions. A sentence saying what is wrong, for a 400 naming `labels`.
 */
export function queryLabels(raw: string | readonly string[] | undefined): Label[] | string {
  if (raw === undefined) return [];
  const labels: Label[] = [];
  for (const item of typeof raw === 'string' ? [raw] : raw) {
    const at = item.indexOf(':');
    const key = at < 0 ? '' : item.slice(0, at).trim();
    if (key === '') return `labels must be key:value pairs, got '${item}'`;
    if (key.startsWith('system.') && key !== CORRELATION_ID_LABEL && key !== FROM_LABEL) return `label '${key}' is reserved for the host`;
    labels.push({ key, value: item.slice(at + 1) });
  }
  return labels;
}
