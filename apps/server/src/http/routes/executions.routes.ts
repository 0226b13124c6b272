import { PassThrough } from 'node:stream';
import { isSluiceError, stringifyJson } from '@sluice/core';
import { STATE_TYPES, createExecution, executionToJson, isId, isTerminated, maskExecution, releaseIfEnded, type Execution, type StateType } from '@sluice/engine';
import type { Context } from 'koa';
import type { ServerContext } from '../../server-context.js';
import { TENANT, type RouteSpec } from '../api-router.js';
import { masked, maskOptionsFor, type InputsCache } from '../masking.js';
import { paging } from '../paging.js';
import { problem } from '../problem.js';
import { queryLabels } from '../query-labels.js';
import { serverErrors } from '../../errors.js';
import { readRawBody } from '../raw-body.js';
import { readInputs } from '../read-inputs.js';
import { storeAndQueue, storeDeadlines } from '../store-and-queue.js';
import { waitForEnd } from '../wait-for-end.js';

const STATES = new Set<string>(STATE_TYPES);

type ToJson = (execution: Execution, cache?: InputsCache) => Promise<unknown>;

/**
 * Executions: read one, search, follow as server-sent events, and start a flow by hand. Every
 * answer is masked: SECRET inputs, and secret values in outputs (see `maskExecution`).
 */
export function executionRoutes(s: ServerContext): RouteSpec[] {
  const json: ToJson = async (execution, cache) => executionToJson(await masked(s, execution, cache), { baseUrl: s.baseUrl });
  return [
    {
      method: 'get',
      path: '/executions/search',
      handler: async (ctx) => {
        const { page, size } = paging(ctx);
        const rawStates = ([] as string[]).concat(ctx.query.state ?? []).flatMap((v) => v.split(','));
        const bad = rawStates.filter((v) => !STATES.has(v));
        if (bad.length > 0) return problem(ctx, 400, `unknown state ${bad.join(', ')}`, [{ path: 'state', message: `must be one of ${STATE_TYPES.join(', ')}` }]);
        const one = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string) : undefined);
        const namespace = one('namespace');
        const flowId = one('flowId');
        const dates: { startDate?: string; endDate?: string } = {};
        for (const name of ['startDate', 'endDate'] as const) {
          const value = one(name);
          if (value === undefined || value === '') continue;
          const ms = Date.parse(value);
          if (!Number.isFinite(ms)) return problem(ctx, 400, `${name} is not a date: ${JSON.stringify(value)}`, [{ path: name, message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z' }]);
          dates[name] = new Date(ms).toISOString();
        }
        const result = await s.runtime.executions.search({
          tenantId: TENANT,
          page,
          size,
          ...(namespace ? { namespace } : {}),
          ...(flowId ? { flowId } : {}),
          ...(rawStates.length > 0 ? { states: rawStates as StateType[] } : {}),
          ...dates,
        });
        const cache: InputsCache = new Map();
        ctx.body = { results: await Promise.all(result.results.map((e) => json(e, cache))), total: result.total };
      },
    },
    {
      method: 'post',
      path: '/executions/latest',
      handler: async (ctx) => {
        const flows = await readFlowList(ctx);
        if (!flows) return;
        ctx.body = await Promise.all(flows.map(async (flow) => {
          const latest = await latestOf(s, flow.namespace, flow.id);
          return latest ? json(latest) : null;
        }));
      },
    },
    {
      method: 'get',
      path: '/executions/:id',
      handler: async (ctx) => {
        const id = String(ctx.params.id);
        const execution = isId(id) ? await s.runtime.executions.get(id) : undefined;
        if (!execution) return problem(ctx, 404, `execution '${id}' not found`);
        ctx.body = await json(execution);
      },
    },
    {
      method: 'delete',
      path: '/executions/:id',
      handler: async (ctx) => {
        const id = String(ctx.params.id);
        // Kestra's flags; logs, metrics and files always go with the execution here, so only
        // `true` (or nothing) can be honoured: keeping them is refused rather than ignored.
        const kept = ['deleteLogs', 'deleteMetrics', 'deleteStorage'].filter((name) => ctx.query[name] !== undefined && ctx.query[name] !== 'true');
        if (kept.length > 0) {
          const errors = kept.map((path) => ({ path, message: 'must be true (or left out): an execution is always deleted with its logs' }));
          return problem(ctx, 400, errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
        }
        const execution = isId(id) ? await s.runtime.executions.get(id) : undefined;
        if (!execution) return problem(ctx, 404, `execution '${id}' not found`);
        if (!isTerminated(execution.state.current)) {
          return problem(ctx, 409, `execution '${id}' is ${execution.state.current}: only an ended execution can be deleted; wait for it to end`, undefined, serverErrors.codes.EXECUTION_NOT_ENDED, { state: execution.state.current });
        }
        try {
          // Deleted only if still the ended execution read above (not restarted meanwhile).
          if (!(await s.runtime.executions.delete(id, { expected: execution }))) return problem(ctx, 404, `execution '${id}' not found`);
        } catch (error) {
          if (!isSluiceError(error, 'RUNTIME_EXECUTION_CHANGED')) throw error;
          return problem(ctx, 409, `execution '${id}' changed while it was being deleted; nothing was deleted, try again`, undefined, serverErrors.codes.EXECUTION_NOT_ENDED);
        }
        // Its flow `concurrency` slot goes too (its end normally gave it back; not if the worker
        // died in between, and the job delivered again would then find no execution).
        await releaseIfEnded(s.runtime, execution);
        // Its files go with it; if that fails, the orphan sweep deletes them later.
        await s.storage.deleteExecution({ tenantId: execution.tenantId, executionId: id }).catch((error: unknown) => {
          s.logger.warn({ err: error, executionId: id }, 'the files of a deleted execution could not be deleted now; the storage sweep will');
        });
        ctx.status = 204;
      },
    },
    {
      method: 'get',
      path: '/executions/:id/follow',
      handler: (ctx) => follow(s, ctx),
    },
    {
      method: 'post',
      path: '/executions/:namespace/:id',
      handler: async (ctx) => {
        const flow = await s.runtime.flows.get({ tenantId: TENANT, namespace: String(ctx.params.namespace), id: String(ctx.params.id) });
        if (!flow) return problem(ctx, 404, 'Flow not found');
        if (flow.disabled) return problem(ctx, 409, 'Cannot execute flow: flow is disabled.');
        const labels = queryLabels(ctx.query.labels);
        if (typeof labels === 'string') return problem(ctx, 400, labels, [{ path: 'labels', message: labels }]);
        const inputs = await readInputs(ctx, s.config.SLUICE_MAX_BODY_BYTES, 'the inputs');
        const deadlines = storeDeadlines(Date.now(), s.config.SLUICE_STORE_TIMEOUT_MS);
        if (inputs === null) return problem(ctx, 415, 'send inputs as multipart/form-data, application/x-www-form-urlencoded or application/json');
        if (typeof inputs === 'string') return problem(ctx, 400, inputs, [{ path: 'body', message: inputs }]);
        let execution;
        try {
          execution = createExecution({ flow, inputs, labels, from: 'api' });
        } catch (error) {
          if (isSluiceError(error, 'EXECUTION_INPUTS_INVALID')) {
            const errors = (error.details.errors ?? []) as { path: string; message: string }[];
            return problem(ctx, 422, error.message, errors);
          }
          throw error;
        }
        const wait = ctx.query.wait === 'true' ? await waitForEnd(s.runtime, execution.id, s.config.SLUICE_WEBHOOK_WAIT_MS) : undefined;
        try {
          await storeAndQueue(s, execution, deadlines);
        } catch (error) {
          await wait?.cancel();
          throw error;
        }
        s.metrics.executionsCreated.inc({ trigger: 'api' });
        if (wait) execution = (await wait.promise) ?? execution;
        ctx.body = await json(execution);
      },
    },
  ];
}

/** Flows asked about at most per `POST /executions/latest`: one page of a flows list. */
const LATEST_MAX_FLOWS = 200;

/** `[{"namespace","id"}]` from the body, or undefined once a problem naming the item is answered. */
async function readFlowList(ctx: Context): Promise<{ namespace: string; id: string }[] | undefined> {
  if (!ctx.is('application/json')) {
    problem(ctx, 415, 'send the flows as application/json: [{"namespace": "...", "id": "..."}]');
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(await readRawBody(ctx.req, 256 * 1024)).toString('utf8'));
  } catch (error) {
    problem(ctx, 400, `the body is not valid JSON: ${(error as Error).message}`, [{ path: 'body', message: 'must be a JSON array' }]);
    return undefined;
  }
  if (!Array.isArray(parsed)) {
    problem(ctx, 400, 'the body must be a JSON array of {"namespace", "id"}', [{ path: 'body', message: 'must be an array' }]);
    return undefined;
  }
  if (parsed.length > LATEST_MAX_FLOWS) {
    problem(ctx, 400, `at most ${LATEST_MAX_FLOWS} flows per request`, [{ path: 'body', message: `must hold at most ${LATEST_MAX_FLOWS} items` }]);
    return undefined;
  }
  const errors = parsed.flatMap((item: unknown, i) => {
    const value = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    return (['namespace', 'id'] as const).filter((field) => typeof value[field] !== 'string' || value[field] === '').map((field) => ({ path: `[${i}].${field}`, message: 'must be a non-empty string' }));
  });
  if (errors.length > 0) {
    problem(ctx, 400, `every item needs a namespace and an id: ${errors.map((e) => e.path).join(', ')}`, errors);
    return undefined;
  }
  return (parsed as { namespace: string; id: string }[]).map(({ namespace, id }) => ({ namespace, id }));
}

/**
 * The newest execution of one flow. Searches match namespaces by prefix (`a` finds `a.b`), so
 * matches of a flow of the same id in a child namespace are passed over.
 */
async function latestOf(s: ServerContext, namespace: string, flowId: string): Promise<Execution | undefined> {
  const size = 20;
  for (let page = 1; ; page++) {
    const { results, total } = await s.runtime.executions.search({ tenantId: TENANT, namespace, flowId, page, size });
    const found = results.find((e) => e.namespace === namespace);
    if (found) return found;
    if (page * size >= total || results.length === 0) return undefined;
  }
}

/**
 * Server-sent events of one execution, as Kestra's follow endpoint: `start`, then `progress`
 * on every state change, then `end` once it is terminated.
 */
async function follow(s: ServerContext, ctx: Context): Promise<void> {
  const id = String(ctx.params.id);
  const first = isId(id) ? await s.runtime.executions.get(id) : undefined;
  if (!first) return problem(ctx, 404, `execution '${id}' not found`);
  // One lookup of the flow's inputs for the whole stream: every event is the same execution.
  const options = await maskOptionsFor(s, first);
  const json = (execution: Execution): unknown => executionToJson(maskExecution(execution, options), { baseUrl: s.baseUrl });
  const stream = new PassThrough();
  const send = (event: string, data: unknown): void => {
    stream.write(`id: ${event}\nevent: ${event}\ndata: ${stringifyJson(data)}\n\n`);
  };
  ctx.req.socket.setTimeout(0);
  ctx.set({ 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
  ctx.type = 'text/event-stream';
  ctx.body = stream;
  send('start', json(first));
  if (isTerminated(first.state.current)) {
    send('end', json(first));
    stream.end();
    return;
  }
  let closed = false;
  const unsubscribe = await s.runtime.events.subscribe(id, (event) => {
    // A terminal event may carry the ended execution; otherwise it is read back.
    void (event.execution ? Promise.resolve(event.execution) : s.runtime.executions.get(id)).then((execution) => {
      if (!execution || closed) return;
      send(event.terminated ? 'end' : 'progress', json(execution));
      if (event.terminated) finish();
    });
  });
  const finish = (): void => {
    if (closed) return;
    closed = true;
    void unsubscribe();
    stream.end();
  };
  ctx.req.on('close', finish);
  // The execution may have ended between the first read and the subscription. The terminal
  // event may also have been handled while this read was under way: then the stream is
  // already ended, and writing `end` again would be a write after end.
  const now = await s.runtime.executions.get(id);
  if (!closed && now && isTerminated(now.state.current)) {
    send('end', json(now));
    finish();
  }
}
