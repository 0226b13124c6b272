import { inTriggerNamespace, triggerKeyOf, type FlowRevision, type TriggerState } from '@sluice/engine';
import type { Context } from 'koa';
import type { ServerContext } from '../../server-context.js';
import type { Authenticated } from '../auth.middleware.js';
import { triggerViewsOf, type TriggerView } from '../../triggers/trigger-view.js';
import { TENANT, type RouteSpec } from '../api-router.js';
import { paging } from '../paging.js';
import { problem } from '../problem.js';
import { readDisabled } from './flows.routes.js';

/**
 * Kestra's trigger API, for every trigger of every mode: search, a flow's triggers, one trigger,
 * and enable/disable without editing the flow's YAML. A trigger disabled here stays disabled
 * across flow updates (the flag lives in its state, not in the flow) until enabled here.
 */
export function triggerRoutes(s: ServerContext): RouteSpec[] {
  const flowKey = (ctx: Context) => ({ tenantId: TENANT, namespace: String(ctx.params.namespace), id: String(ctx.params.flowId) });
  const statesOf = async (namespace?: string): Promise<Map<string, Map<string, TriggerState>>> => {
    const byFlow = new Map<string, Map<string, TriggerState>>();
    for (const state of await s.runtime.triggers.list(TENANT, namespace === undefined ? {} : { namespace })) {
      const id = `${state.key.namespace}\u0000${state.key.flowId}`;
      if (!byFlow.has(id)) byFlow.set(id, new Map());
      byFlow.get(id)?.set(state.key.triggerId, state);
    }
    return byFlow;
  };
  const oneTrigger = async (ctx: Context): Promise<{ flow: FlowRevision; view: TriggerView } | undefined> => {
    const flow = await s.runtime.flows.get(flowKey(ctx));
    const triggerId = String(ctx.params.triggerId);
    const view = flow ? (await triggerViewsOf(s, flow)).find((v) => v.triggerId === triggerId) : undefined;
    if (!flow || !view) {
      problem(ctx, 404, flow ? `flow ${flow.namespace}.${flow.id} has no trigger '${triggerId}'` : 'Flow not found');
      return undefined;
    }
    return { flow, view };
  };
  return [
    {
      method: 'get',
      path: '/triggers/search',
      handler: async (ctx) => {
        const { page, size } = paging(ctx);
        const namespace = typeof ctx.query.namespace === 'string' && ctx.query.namespace !== '' ? ctx.query.namespace : undefined;
        const flowId = typeof ctx.query.flowId === 'string' && ctx.query.flowId !== '' ? ctx.query.flowId : undefined;
        const q = typeof ctx.query.q === 'string' ? ctx.query.q.toLowerCase() : '';
        const flows = (await s.runtime.flows.list(TENANT, namespace))
          .filter((f) => inTriggerNamespace(f.namespace, namespace) && (flowId === undefined || f.id === flowId))
          .sort((a, b) => (a.namespace === b.namespace ? (a.id < b.id ? -1 : 1) : a.namespace < b.namespace ? -1 : 1));
        const states = await statesOf(namespace);
        const views: TriggerView[] = [];
        for (const flow of flows) {
          const own = states.get(`${flow.namespace}\u0000${flow.id}`) ?? new Map<string, TriggerState>();
          for (const view of await triggerViewsOf(s, flow, own)) {
            if (q === '' || [view.namespace, view.flowId, view.triggerId, view.type].some((field) => field.toLowerCase().includes(q))) views.push(view);
          }
        }
        ctx.body = { results: views.slice((page - 1) * size, page * size), total: views.length };
      },
    },
    {
      method: 'get',
      path: '/triggers/:namespace/:flowId',
      handler: async (ctx) => {
        const flow = await s.runtime.flows.get(flowKey(ctx));
        if (!flow) return problem(ctx, 404, 'Flow not found');
        const views = await triggerViewsOf(s, flow);
        ctx.body = { results: views, total: views.length };
      },
    },
    {
      method: 'get',
      path: '/triggers/:namespace/:flowId/:triggerId',
      handler: async (ctx) => {
        const found = await oneTrigger(ctx);
        if (found) ctx.body = found.view;
      },
    },
    {
      method: 'put',
      path: '/triggers/:namespace/:flowId/:triggerId',
      handler: async (ctx) => {
        const found = await oneTrigger(ctx);
        if (!found) return;
        const disabled = await readDisabled(ctx);
        if (disabled === undefined) return;
        const key = triggerKeyOf(found.flow, found.view.triggerId);
        // Who did it, so the UI tells "paused by a person" from "stopped by stopAfter".
        const username = (ctx.state.auth as Partial<Authenticated> | undefined)?.username;
        await s.runtime.triggers.setDisabled(key, disabled, { kind: 'api', ...(username ? { user: username } : {}), at: Date.now() });
        s.apiDisabled?.set(key, disabled);
        ctx.body = (await triggerViewsOf(s, found.flow)).find((v) => v.triggerId === found.view.triggerId);
      },
    },
  ];
}
