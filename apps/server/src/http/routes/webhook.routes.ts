import { stringifyJson, type WebhookRequest, type WebhookResponsePolicy } from '@sluice/core';
import { randomBytes } from 'node:crypto';
import { dispatchWebhook, isTerminated, parseFlow, renderTemplate, silentLogger, webhookResponseJson, type Execution, type FlowRevision, type Label, type PluginRegistry, type WebhookDispatch } from '@sluice/engine';
import type { Context } from 'koa';
import type { ServerContext } from '../../server-context.js';
import { TENANT, type RouteSpec } from '../api-router.js';
import { answerJson } from '../json-answer.js';
import { masked } from '../masking.js';
import { maskedInstance, problem } from '../problem.js';
import { readRawBody } from '../raw-body.js';
import { headersOf, isFlowAddress, queryOf } from '../request-parts.js';
import { storeAndQueue, storeDeadlines, type StoreDeadlines } from '../store-and-queue.js';
import { waitForEnd } from '../wait-for-end.js';
import { pluginLogger } from '../../logging/plugin-logger.js';

const PATH = '/executions/webhook/:namespace/:flowId/:key';

/**
 * The Kestra webhook route: GET, POST and PUT on `/executions/webhook/{namespace}/{flowId}/{key}`.
 * Public by design: the key is its only secret. Unknown flow, disabled flow, disabled trigger
 * and wrong key all get the same 404, so the route tells an outsider nothing.
 */
export function webhookRoutes(s: ServerContext): RouteSpec[] {
  const triggerLogger = pluginLogger(s.logger.child({ component: 'webhook' }));
  const decoy = decoyFlow(s.registry);
  const handler = async (ctx: Context): Promise<void> => {
    maskKeyInProblems(ctx);
    // The router answers HEAD on GET routes; a link checker or a monitor probing the URL must
    // not start the flow. Kestra's webhook takes GET, POST and PUT only.
    if (ctx.method === 'HEAD') {
      ctx.set('Allow', 'GET, POST, PUT');
      ctx.status = 405;
      return;
    }
    if (s.shuttingDown) {
      ctx.set('Retry-After', '5');
      ctx.set('Connection', 'close');
      problem(ctx, 503, 'the server is shutting down; retry later');
      return;
    }
    // Read (and bound) the body before anything else, so a large body costs the same whether
    // or not the flow exists.
    const body = await readRawBody(ctx.req, s.config.SLUICE_MAX_BODY_BYTES);
    // The store's deadline counts from here: the request has arrived whole.
    const deadlines = storeDeadlines(Date.now(), s.config.SLUICE_STORE_TIMEOUT_MS);
    const { namespace = '', flowId = '', key = '' } = ctx.params as Record<string, string | undefined>;
    const indexed = isFlowAddress(namespace, flowId) ? s.flowIndex.get({ tenantId: TENANT, namespace, id: flowId }) : undefined;
    // A trigger disabled through the trigger API answers like one disabled in the YAML.
    const found = indexed && s.apiDisabled ? s.apiDisabled.apply(indexed) : indexed;
    const answers = found && !found.disabled && !found.deleted && found.tenantId === TENANT
      && found.triggers.some((t) => !t.disabled && s.registry.trigger(t.type)?.definition.mode === 'webhook');
    const live = answers ? found : undefined;
    const request: WebhookRequest = { method: ctx.method, key, headers: headersOf(ctx.req), query: queryOf(ctx.querystring), body };
    // Every "no" costs the same work (GHSA-6wcq-4vx6-rx53): an unknown or disabled flow, or one
    // whose webhook triggers are all disabled, is asked through a decoy, as a live flow is asked
    // with a wrong key, and answers 404 whatever the decoy says. Answering those at once made a
    // wrong key on a live flow measurably slower (0.1 ms at the median), which told an outsider
    // which flows exist and are enabled.
    const asked = live ?? decoy;
    const outcome = await dispatchWebhook({ flow: asked, registry: s.registry, request, secrets: s.secrets, tenantId: TENANT, logger: live ? triggerLogger : silentLogger });
    if (!live) {
      problem(ctx, 404, 'Flow not found');
      return;
    }
    await answerWebhook(s, ctx, outcome, [], deadlines);
  };
  // Kestra's route takes an optional `{/path}` for other webhook kinds; the core Webhook answers
  // 404 to it and to a trailing slash. They are routes of their own here, public like the
  // webhook, so such a request gets the webhook's uniform 404 rather than the API's 401.
  const notFound = (ctx: Context): void => {
    maskKeyInProblems(ctx);
    problem(ctx, 404, 'Flow not found');
  };
  // By path, then method: the router joins a path's methods into one route (see layersOf).
  return [{ path: PATH, handler }, { path: `${PATH}/`, handler: notFound }, { path: `${PATH}/*rest`, handler: notFound }]
    .flatMap(({ path, handler }) => (['get', 'post', 'put'] as const).map((method) => ({ method, path, handler, public: true })));
}

/**
 * A flow that stands in for an unknown one, so that asking it costs what asking a live flow
 * with a wrong key costs: one webhook trigger whose key, random per process, no caller knows.
 * Undefined when the webhook trigger plugin is not loaded (then nothing answers webhooks).
 */
function decoyFlow(registry: PluginRegistry): FlowRevision | undefined {
  const key = randomBytes(24).toString('base64url');
  const source = `id: decoy\nnamespace: sluice.decoy\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: decoy\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${key}\n`;
  const parsed = parseFlow(source, registry);
  if (!parsed.ok) return undefined;
  return { ...parsed.flow, source, revision: 1, updated: new Date(0).toISOString(), deleted: false };
}

/** Problem bodies name the webhook path with the key, and anything after it, masked. */
function maskKeyInProblems(ctx: Context): void {
  maskedInstance(ctx, maskedWebhookPath);
}

/** `path` with the webhook key, and anything after it, masked. */
function maskedWebhookPath(path: string): string {
  const at = path.indexOf('/executions/webhook/');
  if (at < 0) return path;
  const [namespace = '', flowId = ''] = path.slice(at + '/executions/webhook/'.length).split('/');
  return `${path.slice(0, at)}/executions/webhook/${namespace}/${flowId}/******`;
}

/**
 * Answers a dispatched webhook request: 404, 204 when the trigger's conditions are not met, 422
 * for invalid trigger inputs, else the new execution (with `labels` added), stored and queued
 * first. The public route and the UI's test route both answer through it.
 */
export async function answerWebhook(
  s: ServerContext, ctx: Context, outcome: WebhookDispatch, labels: readonly Label[] = [],
  // The store's deadline counts from the request's arrival; the caller knows when that was.
  deadlines: StoreDeadlines = storeDeadlines(Date.now(), s.config.SLUICE_STORE_TIMEOUT_MS),
): Promise<void> {
  switch (outcome.kind) {
    case 'not-found':
      problem(ctx, 404, 'Flow not found');
      return;
    case 'skip':
      ctx.status = 204;
      return;
    case 'invalid':
      problem(ctx, 422, 'the trigger inputs are invalid', outcome.errors.map((e) => ({ path: e.path, message: e.message })));
      return;
    case 'start': {
      const keys = new Set(labels.map((l) => l.key));
      const execution = labels.length === 0 ? outcome.execution : { ...outcome.execution, labels: [...outcome.execution.labels.filter((l) => !keys.has(l.key)), ...labels] };
      await start(s, ctx, execution, outcome.response, deadlines);
    }
  }
}

/** Stores, then queues, then answers: nothing is acknowledged before it is persisted. */
async function start(s: ServerContext, ctx: Context, execution: Execution, response: WebhookResponsePolicy | undefined, deadlines: StoreDeadlines): Promise<void> {
  const { runtime } = s;
  // Subscribe before queueing, so a fast worker cannot finish before we listen.
  const ended = response?.wait ? await waitForEnd(runtime, execution.id, s.config.SLUICE_WEBHOOK_WAIT_MS) : undefined;
  // A caller that hangs up stops waiting: no subscription is kept for nobody until the limit.
  // The response's 'close' says so (it also comes after an answer, when there is nothing to
  // stop); the request's comes once its body has been read, which is before this point.
  if (ended) {
    const hungUp = (): void => {
      if (!ctx.res.writableFinished) void ended.cancel();
    };
    if (ctx.res.destroyed || ctx.req.socket.destroyed) hungUp();
    else ctx.res.once('close', hungUp);
  }
  try {
    await storeAndQueue(s, execution, deadlines);
  } catch (error) {
    await ended?.cancel();
    throw error;
  }
  s.metrics.executionsCreated.inc({ trigger: execution.trigger?.type ?? 'unknown' });
  // The trigger's last execution and count, batched off the request path (no store round trip here).
  if (execution.trigger) s.webhookStarts?.record({ tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, triggerId: execution.trigger.id }, execution.id);
  if (!ended || !response) {
    answerJson(ctx, webhookResponseJson(await masked(s, execution), s.baseUrl));
    return;
  }
  const finished = await ended.promise;
  if (!finished || !isTerminated(finished.state.current)) {
    problem(ctx, 504, `execution ${execution.id} did not end within ${s.config.SLUICE_WEBHOOK_WAIT_MS} ms; it goes on running`);
    return;
  }
  ctx.status = statusFor(finished, response);
  // The status is decided on the execution as it ended; what the caller reads is masked.
  const shown = await masked(s, finished);
  if (response.returnOutputs) {
    const outputs = shown.outputs ?? {};
    if (response.contentType === 'text/plain') {
      const values = Object.values(outputs);
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = values.length === 1 && typeof values[0] === 'string' ? values[0] : stringifyJson(outputs);
    } else {
      ctx.body = outputs;
    }
    return;
  }
  ctx.body = webhookResponseJson(shown, s.baseUrl);
}

/** `responseCode` rendered against the finished execution, else Kestra's 500-if-FAILED rule. */
function statusFor(execution: Execution, response: WebhookResponsePolicy): number {
  const fallback = execution.state.current === 'FAILED' ? 500 : 200;
  if (response.statusCode === undefined) return fallback;
  try {
    const rendered = renderTemplate(String(response.statusCode), {
      outputs: execution.outputs ?? {},
      execution: { id: execution.id, state: execution.state.current },
      trigger: execution.trigger?.variables ?? {},
    });
    const code = Number(rendered.trim());
    return Number.isInteger(code) && code >= 200 && code <= 599 ? code : fallback;
  } catch {
    return fallback;
  }
}
