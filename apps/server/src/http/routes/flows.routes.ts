import { decodeFlowSource, parseFlows } from '@sluice/engine';
import type { Context } from 'koa';
import { flowToJson } from '../../flows/flow-json.js';
import { saveFlowSource, type SaveResult } from '../../flows/flow-service.js';
import type { ServerContext } from '../../server-context.js';
import { TENANT, type RouteSpec } from '../api-router.js';
import { problem } from '../problem.js';
import { readRawBody } from '../raw-body.js';
import { webhookTriggersOf } from '../../flows/webhook-urls.js';
import { paging } from '../paging.js';

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
  const save = async (ctx: Context, mode: 'create' | 'update'): Promise<void> => {
    const source = await readSource(ctx);
    if (source !== undefined) answer(ctx, await saveFlowSource(s, source, mode, mode === 'update' ? key(ctx) : undefined));
  };
  const answer = (ctx: Context, result: SaveResult): void => {
    if (result.ok) {
      ctx.body = flowToJson(result.flow);
      return;
    }
    problem(ctx, result.status, result.message, result.errors);
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
            ? { index, flow: result.flow.id, namespace: result.flow.namespace }
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
        ctx.body = { results: sorted.slice((page - 1) * size, page * size).map(flowToJson), total: sorted.length };
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
        ctx.body = flowToJson(flow);
      },
    },
    {
      method: 'put',
      path: '/flows/:namespace/:id',
      handler: (ctx) => save(ctx, 'update'),
    },
    {
      method: 'delete',
      path: '/flows/:namespace/:id',
      handler: async (ctx) => {
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
  ];
}
