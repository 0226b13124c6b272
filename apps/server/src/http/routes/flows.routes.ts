import { decodeFlowSource, parseFlows, type FlowKey, type FlowRevision } from '@sluice/engine';
import type { Context } from 'koa';
import { flowToJson } from '../../flows/flow-json.js';
import { saveFlowSource, type SaveResult } from '../../flows/flow-service.js';
import type { ServerContext } from '../../server-context.js';
import { TENANT, type RouteSpec } from '../api-router.js';
import { serverErrors } from '../../errors.js';
import { problem } from '../problem.js';
import { readRawBody } from '../raw-body.js';
import { webhookTriggersOf } from '../../flows/webhook-urls.js';
import { paging } from '../paging.js';
import { setTriggerDisabled } from '../../flows/trigger-disabled.js';
import { scheduleViewsOf } from '../../schedule/schedule-view.js';

/** `{"disabled": true|false}` from the body, or undefined once a problem naming the field is answered. */
export async function readDisabled(ctx: Context): Promise<boolean | undefined> {
  if (!ctx.is('application/json')) {
    problem(ctx, 415, 'send {"disabled": true} or {"disabled": false} as application/json');
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(await readRawBody(ctx.req, 4096)).toString('utf8'));
  } catch (error) {
    problem(ctx, 400, `the body is not valid JSON: ${(error as Error).message}`, [{ path: 'body', message: 'must be a JSON object' }]);
    return undefined;
  }
  const value = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const extra = Object.keys(value).filter((k) => k !== 'disabled');
  if (typeof value.disabled !== 'boolean' || extra.length > 0) {
    const errors = [
      ...(typeof value.disabled !== 'boolean' ? [{ path: 'disabled', message: 'must be true or false' }] : []),
      ...extra.map((path) => ({ path, message: 'is not a field of this request' })),
    ];
    problem(ctx, 400, errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
    return undefined;
  }
  return value.disabled;
}

/** A revision as an entity tag: `"3"`. */
const etag = (revision: number): string => `"${revision}"`;

/**
 * The revision an update was edited from, sent as `If-Match: "<revision>"` (the flow's ETag);
 * undefined when absent or `*` (any revision: an update needs the flow to exist anyway); null
 * once a 400 naming the header is answered.
 */
function ifMatchRevision(ctx: Context): number | undefined | null {
  const raw = ctx.get('If-Match').trim();
  if (raw === '' || raw === '*') return undefined;
  const match = /^"([1-9][0-9]{0,8})"$/.exec(raw);
  if (!match) {
    problem(ctx, 400, `If-Match must be the flow's revision in quotes, e.g. If-Match: "3" (its ETag), not ${JSON.stringify(raw)}`, [
      { path: 'If-Match', message: 'must be one quoted positive integer revision' },
    ]);
    return null;
  }
  return Number(match[1]);
}

/** The flow API of Kestra: create, read, update, delete, revisions, search, validate. */
export function flowRoutes(s: ServerContext): RouteSpec[] {
  const limit = s.config.SLUICE_MAX_BODY_BYTES;
  const key = (ctx: Context) => ({ tenantId: TENANT, namespace: String(ctx.params.namespace), id: String(ctx.params.id) });
  /** The YAML of the request, or undefined once a 422 names the first byte that is not UTF-8. */
  const readSource = async (ctx: Context): Promise<string | undefined> => {
    const decoded = decodeFlowSource(await readRawBody(ctx.req, limit));
    if (decoded.ok) return decoded.source;
    problem(ctx, 422, 'the flow has 1 error(s)', decoded.errors);
    return undefined;
  };
  const save = async (ctx: Context, mode: 'create' | 'update', expectedRevision?: number): Promise<void> => {
    const source = await readSource(ctx);
    if (source !== undefined) answer(ctx, await saveFlowSource(s, source, mode, mode === 'update' ? key(ctx) : undefined, true, expectedRevision));
  };
  const readOnly = (flow: FlowKey): string | undefined => s.readOnlyFlows?.reason(flow);
  // The latest revision says whether the API may change the flow, and why not.
  const json = (flow: FlowRevision): Record<string, unknown> => {
    const reason = readOnly({ tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id });
    return { ...flowToJson(flow), readOnly: reason !== undefined, ...(reason ? { readOnlyReason: reason } : {}) };
  };
  const answer = (ctx: Context, result: SaveResult): void => {
    if (result.ok) {
      ctx.set('ETag', etag(result.flow.revision));
      ctx.body = json(result.flow);
      return;
    }
    if (result.conflict) return problem(ctx, 409, result.message, undefined, serverErrors.codes.FLOW_REVISION_CONFLICT, result.conflict);
    problem(ctx, result.status, result.message, result.errors);
  };
  const refuseReadOnly = (ctx: Context): boolean => {
    const reason = readOnly(key(ctx));
    if (reason) problem(ctx, 409, reason, undefined, serverErrors.codes.FLOW_READ_ONLY);
    return reason !== undefined;
  };
  return [
    {
      method: 'post',
      path: '/flows',
      handler: (ctx) => save(ctx, 'create'),
    },
    {
      method: 'post',
      path: '/flows/validate',
      handler: async (ctx) => {
        const source = await readSource(ctx);
        if (source === undefined) return;
        const results = parseFlows(source, s.registry, { tenantId: TENANT });
        ctx.body = results.map((result, index) =>
          result.ok
            ? {
                index,
                flow: result.flow.id,
                namespace: result.flow.namespace,
                // Kestra's fields for what it accepts but has deprecated (an input's `name:`).
                ...(result.warnings.length === 0
                  ? {}
                  : { deprecationPaths: result.warnings.map((w) => w.path), warnings: result.warnings.map((w) => `${w.path}: ${w.message}`), warningDetails: result.warnings }),
              }
            : { index, constraints: result.errors.map((e) => `${e.path}: ${e.message}`).join('\n'), errors: result.errors },
        );
      },
    },
    {
      method: 'get',
      path: '/flows/search',
      handler: async (ctx) => {
        const { page, size } = paging(ctx);
        const namespace = typeof ctx.query.namespace === 'string' ? ctx.query.namespace : undefined;
        const q = typeof ctx.query.q === 'string' ? ctx.query.q.toLowerCase() : undefined;
        const all = (await s.runtime.flows.list(TENANT, namespace)).filter(
          (f) => !q || f.id.toLowerCase().includes(q) || f.namespace.includes(q) || (f.description ?? '').toLowerCase().includes(q),
        );
        const sorted = [...all].sort((a, b) => `${a.namespace}.${a.id}`.localeCompare(`${b.namespace}.${b.id}`));
        ctx.body = { results: sorted.slice((page - 1) * size, page * size).map(json), total: sorted.length };
      },
    },
    {
      method: 'get',
      path: '/flows/:namespace/:id',
      handler: async (ctx) => {
        const raw = ctx.query.revision;
        // A revision that is not a positive integer is a mistake to report, not a request for
        // the latest revision (which `?revision=abc` or `?revision=0` used to return silently).
        if (raw !== undefined && (typeof raw !== 'string' || !/^[1-9][0-9]{0,8}$/.test(raw))) {
          return problem(ctx, 400, 'revision must be a positive integer', [{ path: 'revision', message: 'must be a positive integer' }]);
        }
        const revision = raw === undefined ? undefined : Number(raw);
        const flow = revision ? await s.runtime.flows.getRevision(key(ctx), revision) : await s.runtime.flows.get(key(ctx));
        if (!flow) return problem(ctx, 404, 'Flow not found');
        if (!revision) ctx.set('ETag', etag(flow.revision));
        ctx.body = revision ? flowToJson(flow) : json(flow);
      },
    },
    {
      method: 'put',
      path: '/flows/:namespace/:id',
      handler: async (ctx) => {
        if (refuseReadOnly(ctx)) return;
        const expected = ifMatchRevision(ctx);
        if (expected === null) return;
        await save(ctx, 'update', expected);
      },
    },
    {
      method: 'delete',
      path: '/flows/:namespace/:id',
      handler: async (ctx) => {
        if (refuseReadOnly(ctx)) return;
        // The file goes first: if it cannot be removed the flow stays, rather than coming back
        // at the next start.
        if (s.flowFiles && (await s.runtime.flows.get(key(ctx)))) s.flowFiles.remove(key(ctx));
        if (!(await s.runtime.flows.delete(key(ctx)))) return problem(ctx, 404, 'Flow not found');
        s.flowIndex.apply(key(ctx), true);
        ctx.status = 204;
      },
    },
    {
      method: 'get',
      path: '/flows/:namespace/:id/revisions',
      handler: async (ctx) => {
        const revisions = await s.runtime.flows.revisions(key(ctx));
        if (revisions.length === 0) return problem(ctx, 404, 'Flow not found');
        ctx.body = revisions.map(flowToJson);
      },
    },
    {
      method: 'get',
      path: '/flows/:namespace/:id/webhooks',
      handler: async (ctx) => {
        const flow = await s.runtime.flows.get(key(ctx));
        if (!flow) return problem(ctx, 404, 'Flow not found');
        ctx.body = webhookTriggersOf(s, flow);
      },
    },
    {
      method: 'get',
      path: '/flows/:namespace/:id/schedules',
      handler: async (ctx) => {
        const flow = await s.runtime.flows.get(key(ctx));
        if (!flow) return problem(ctx, 404, 'Flow not found');
        ctx.body = await scheduleViewsOf(s, flow);
      },
    },
    {
      method: 'put',
      path: '/flows/:namespace/:id/triggers/:triggerId',
      handler: async (ctx) => {
        const flow = await s.runtime.flows.get(key(ctx));
        if (!flow) return problem(ctx, 404, 'Flow not found');
        const triggerId = String(ctx.params.triggerId);
        const trigger = flow.triggers.find((t) => t.id === triggerId);
        if (!trigger) return problem(ctx, 404, `flow ${flow.namespace}.${flow.id} has no trigger '${triggerId}'`);
        if (refuseReadOnly(ctx)) return;
        const disabled = await readDisabled(ctx);
        if (disabled === undefined) return;
        const source = trigger.disabled === disabled ? undefined : setTriggerDisabled(flow.source, triggerId, disabled);
        // Already as asked: no new revision.
        if (source === undefined) return void (ctx.body = json(flow));
        // Built from the revision read above: it must not replace a newer one saved meanwhile.
        answer(ctx, await saveFlowSource(s, source, 'update', key(ctx), true, flow.revision));
      },
    },
  ];
}
