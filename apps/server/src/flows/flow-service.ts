import { isSluiceError } from '@sluice/core';
import { parseFlow, type FlowProblem, type FlowRevision } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';
import { TENANT } from '../http/api-router.js';

export type SaveResult =
  | { readonly ok: true; readonly flow: FlowRevision; readonly created: boolean }
  | {
      readonly ok: false;
      readonly status: 404 | 409 | 422;
      readonly message: string;
      readonly errors: readonly FlowProblem[];
      /** Set when the flow moved on from the revision the caller edited. */
      readonly conflict?: { readonly expectedRevision: number; readonly currentRevision: number };
    };

/**
 * Validates a flow's YAML and stores it as a new revision, then updates this process's
 * webhook index at once (other processes hear of it through the repository's change feed).
 *
 * `mode` says what the caller expects: `create` refuses an existing flow (409), `update`
 * refuses a missing one (404) and a changed id or namespace (422), `upsert` (the flows folder)
 * takes either. `persist: false` is for flows read from files, which need no writing back.
 * `expectedRevision` is the revision the caller edited: the save happens only while it is still
 * the latest (checked by the store in the same step as the write), else a 409 names both.
 */
export async function saveFlowSource(
  s: ServerContext,
  source: string,
  mode: 'create' | 'update' | 'upsert',
  expected?: { readonly namespace: string; readonly id: string },
  persist = true,
  expectedRevision?: number,
): Promise<SaveResult> {
  const parsed = parseFlow(source, s.registry, { tenantId: TENANT });
  if (!parsed.ok) return { ok: false, status: 422, message: `the flow has ${parsed.errors.length} error(s)`, errors: parsed.errors };
  const flow = parsed.flow;
  if (parsed.warnings.length > 0) {
    // Accepted, as Kestra accepts it; the validate route reports the same warnings to editors.
    s.logger.warn({ namespace: flow.namespace, flowId: flow.id, warnings: parsed.warnings.map((w) => `${w.path} (line ${w.line}): ${w.message}`) }, 'flow uses deprecated spellings');
  }
  if (expected && (expected.namespace !== flow.namespace || expected.id !== flow.id)) {
    const field = expected.id !== flow.id ? 'id' : 'namespace';
    return { ok: false, status: 422, message: `Illegal flow ${field} update`, errors: [{ code: 'FLOW_SCHEMA', path: field, message: `Illegal flow ${field} update`, line: 1, column: 1 }] };
  }
  const existing = await s.runtime.flows.get({ tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id });
  if (mode === 'create' && existing) {
    return { ok: false, status: 409, message: `Flow ${flow.namespace}.${flow.id} already exists; update it with PUT /api/v1/main/flows/${flow.namespace}/${flow.id}`, errors: [] };
  }
  if (mode === 'update' && !existing) return { ok: false, status: 404, message: 'Flow not found', errors: [] };
  // Whole or not at all: the file is written first (a failure there saves nothing), the store
  // takes the flow, and only then does the file move into place in one rename.
  const pending = s.flowFiles && persist ? s.flowFiles.prepare(flow, source) : undefined;
  let saved: FlowRevision;
  try {
    saved = await s.runtime.flows.save({ ...flow, source }, expectedRevision === undefined ? {} : { expectedRevision });
  } catch (error) {
    pending?.abort();
    if (!isSluiceError(error, 'RUNTIME_FLOW_REVISION_CONFLICT') || expectedRevision === undefined) throw error;
    const currentRevision = Number(error.details.current);
    return {
      ok: false,
      status: 409,
      message: `Flow ${flow.namespace}.${flow.id} is at revision ${currentRevision}, not ${expectedRevision} which this edit started from; nothing was saved. Read revision ${currentRevision}, merge, and save again`,
      errors: [],
      conflict: { expectedRevision, currentRevision },
    };
  }
  pending?.commit();
  s.flowIndex.apply(saved);
  return { ok: true, flow: saved, created: !existing };
}
