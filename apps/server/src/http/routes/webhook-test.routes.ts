import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { dispatchWebhook } from '@sluice/engine';
import type { Context } from 'koa';
import { renderWebhookKey } from '../../flows/webhook-urls.js';
import { pluginLogger } from '../../logging/plugin-logger.js';
import type { ServerContext } from '../../server-context.js';
import { TENANT, type RouteSpec } from '../api-router.js';
import { problem } from '../problem.js';
import { readRawBody } from '../raw-body.js';
import { answerWebhook } from './webhook.routes.js';

const values = (description: string) => Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), { description }));

/** The request the UI's *Send test* describes. */
const Schema = Type.Object({
  method: Type.Optional(Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PUT')], { description: 'HTTP method of the webhook call; POST by default.' })),
  headers: values('Request headers by name (any case), each one value or several (`trigger.headers`).'),
  query: values('Query string parameters by name, each one value or several (`trigger.parameters`).'),
  body: Type.Optional(Type.String({ description: 'The raw body text, parsed by the trigger as the webhook route parses it (by Content-Type).' })),
}, { additionalProperties: false });
type WebhookTest = Static<typeof Schema>;

/** Label of executions started by a test from the UI, so lists and metrics can tell them apart. */
export const TEST_LABEL = { key: 'system.test', value: 'true' } as const;

/** Header and query maps as the webhook route builds them: null-prototype, lists of values. */
function lists(values: WebhookTest['headers'], lowerCase: boolean): Record<string, string[]> {
  const out = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of Object.entries(values ?? {})) (out[lowerCase ? name.toLowerCase() : name] ??= []).push(...([] as string[]).concat(value));
  return out;
}

/**
 * `POST /flows/{namespace}/{id}/webhooks/{triggerId}/test`: the UI's *Send test*. Sends the
 * described request to one webhook trigger with its real key, rendered here so a `secret()` key
 * never leaves the server, through the webhook route's own dispatch and answer: the same body
 * parsing, conditions and inputs, the same answers (200 with the execution, 204, 422, 504), and
 * the execution labelled `system.test: "true"`.
 */
export function webhookTestRoutes(s: ServerContext): RouteSpec[] {
  const logger = pluginLogger(s.logger.child({ component: 'webhook' }));
  return [{
    method: 'post',
    path: '/flows/:namespace/:id/webhooks/:triggerId/test',
    handler: async (ctx: Context) => {
      const key = { tenantId: TENANT, namespace: String(ctx.params.namespace), id: String(ctx.params.id) };
      const triggerId = String(ctx.params.triggerId);
      const flow = await s.runtime.flows.get(key);
      if (!flow) return problem(ctx, 404, 'Flow not found');
      const trigger = flow.triggers.find((t) => t.id === triggerId);
      if (!trigger || s.registry.trigger(trigger.type)?.definition.mode !== 'webhook') {
        return problem(ctx, 404, `flow ${key.namespace}.${key.id} has no webhook trigger '${triggerId}'`);
      }
      if (flow.disabled) return problem(ctx, 409, 'the flow is disabled: its webhooks start nothing');
      if (trigger.disabled) return problem(ctx, 409, `the trigger '${triggerId}' is disabled: it starts nothing`);
      const test = await readTest(ctx, s.config.SLUICE_MAX_BODY_BYTES);
      if (!test) return;
      const rendered = renderWebhookKey(s, flow, trigger);
      // The message of a failed rendering never goes out: it may quote the template or the key.
      if (!rendered.ok) return problem(ctx, 422, `the key of trigger '${triggerId}' cannot be rendered`, [{ path: `triggers.${triggerId}.key`, message: 'cannot be rendered' }]);
      const request = {
        method: test.method ?? 'POST',
        key: rendered.key,
        headers: lists(test.headers, true),
        query: lists(test.query, false),
        body: Buffer.from(test.body ?? '', 'utf8'),
      };
      // Only this trigger is asked, whatever other triggers share its key.
      const outcome = await dispatchWebhook({ flow: { ...flow, triggers: [trigger] }, registry: s.registry, request, secrets: s.secrets, tenantId: TENANT, logger });
      await answerWebhook(s, ctx, outcome, [TEST_LABEL]);
    },
  }];
}

/** The test request from the body, or undefined once a problem naming the field is answered. */
async function readTest(ctx: Context, limit: number): Promise<WebhookTest | undefined> {
  if (!ctx.is('application/json')) {
    problem(ctx, 415, 'send the test request as application/json: {"method","headers","query","body"}');
    return undefined;
  }
  const text = Buffer.from(await readRawBody(ctx.req, limit)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    problem(ctx, 400, `the body is not valid JSON: ${(error as Error).message}`, [{ path: 'body', message: 'must be a JSON object' }]);
    return undefined;
  }
  if (!Value.Check(Schema, parsed)) {
    const errors = [...Value.Errors(Schema, parsed)].map((e) => ({ path: e.path.replace(/^\//, '').replace(/\//g, '.') || '(root)', message: e.message }));
    problem(ctx, 400, `the test request is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
    return undefined;
  }
  return parsed;
}
