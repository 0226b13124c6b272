import { describe, expect, it } from 'vitest';
import { BRAND_KEY, TRIGGER_BRAND, isPluginPackage, isSluiceError, renderedBy, type WebhookRequest } from '@sluice/core';
import { createTriggerContext, webhookRequest } from '@sluice/plugin-testing';
import plugin, { webhook, WebhookProps, WebhookVariables, webhookErrors } from './index.js';

type Props = Parameters<typeof webhook.receive>[1];
const KEY = '4wjtkzwVGBM9yKnjm3yv8r';

async function receive(props: Partial<Props>, request: WebhookRequest, ctx = createTriggerContext()) {
  return webhook.receive(ctx, { key: KEY, ...props }, request);
}

describe('Webhook trigger: the key', () => {
  it('does not match another key, and builds nothing for it', async () => {
    const ctx = createTriggerContext();
    const decision = await receive({}, webhookRequest({ key: 'wrong', json: { a: 1 } }), ctx);
    expect(decision).toEqual({ kind: 'not-matched' });
    expect(ctx.logs).toEqual([]);
  });

  it('matches the (host-rendered) key after trimming it', async () => {
    const decision = await receive({ key: ` ${KEY}\n` }, webhookRequest({ key: KEY }));
    expect(decision.kind).toBe('start');
  });

  it('never logs the key, whatever happens', async () => {
    const ctx = createTriggerContext();
    await receive({ when: "{{ trigger.body.go == 'yes' }}" }, webhookRequest({ key: KEY, json: { go: 'no' } }), ctx);
    await receive({ conditions: [{ type: 'io.kestra.plugin.core.condition.ExpressionCondition', expression: '{{ trigger.body.missing.deeper }}' }] },
      webhookRequest({ key: KEY }), ctx);
    expect(ctx.logs.length).toBeGreaterThan(0);
    for (const line of ctx.logs) expect(line.message).not.toContain(KEY);
  });
});

describe('Webhook trigger: variables', () => {
  it('starts with body, lower-cased headers and query parameters as lists', async () => {
    const request = webhookRequest({
      key: KEY,
      json: { hello: 'world' },
      headers: { 'X-Event-Type': ['push', 'ping'] },
      query: { age: ['12', '13'], name: 'ada' },
    });
    const decision = await receive({}, request);
    expect(decision).toEqual({
      kind: 'start',
      variables: {
        body: { hello: 'world' },
        headers: { 'content-type': ['application/json'], 'x-event-type': ['push', 'ping'] },
        parameters: { age: ['12', '13'], name: ['ada'] },
      },
    });
  });

  it('answers invalid, naming the body, for JSON nested past the limit', async () => {
    const deep = `${'['.repeat(1000)}${']'.repeat(1000)}`;
    const decision = await receive({}, webhookRequest({ key: KEY, text: deep, headers: { 'content-type': ['application/json'] } }));
    expect(decision).toEqual({ kind: 'invalid', errors: [{ path: 'body', message: 'the JSON body is nested deeper than 128 levels' }] });
  });

  it('gives a null body to a GET without one', async () => {
    const decision = await receive({}, webhookRequest({ method: 'GET', key: KEY }));
    expect(decision.kind === 'start' && decision.variables).toEqual({ body: null, headers: {}, parameters: {} });
  });

  it('reads the content type from the headers: binary bodies become base64', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const decision = await receive({}, webhookRequest({ key: KEY, bytes, headers: { 'Content-Type': 'application/octet-stream' } }));
    expect(decision.kind === 'start' && decision.variables.body).toBe('AQID');
  });

  it('documents every variable in its schema', () => {
    for (const name of ['body', 'headers', 'parameters']) {
      expect(WebhookVariables.properties[name as keyof typeof WebhookVariables.properties].description).toMatch(/\S/);
    }
  });
});

describe('Webhook trigger: conditions and when', () => {
  const expression = (text: string) => ({ type: 'io.kestra.plugin.core.condition.ExpressionCondition' as const, expression: text });

  it('starts when every condition holds', async () => {
    const decision = await receive(
      { conditions: [expression("{{ trigger.body.hello == 'world' }}"), { type: 'io.kestra.plugin.core.condition.Expression', expression: '{{ trigger.parameters.x[0] == "1" }}' }] },
      webhookRequest({ key: KEY, json: { hello: 'world' }, query: { x: '1' } }),
    );
    expect(decision.kind).toBe('start');
  });

  it('skips with a reason naming the condition that failed', async () => {
    const ctx = createTriggerContext();
    const decision = await receive(
      { conditions: [expression('{{ true }}'), { type: 'io.kestra.core.models.conditions.types.VariableCondition', expression: "{{ trigger.body.hello == 'world' }}" }] },
      webhookRequest({ key: KEY, json: { hello: 'mars' } }),
      ctx,
    );
    expect(decision).toEqual({ kind: 'skip', reason: 'conditions[1] is false' });
    expect(ctx.logs).toEqual([{ level: 'DEBUG', message: 'webhook request skipped: conditions[1] is false' }]);
  });

  it('skips when a condition cannot be evaluated, instead of failing or starting', async () => {
    const decision = await receive({ conditions: [expression('{{ trigger.body.a.b }}')] }, webhookRequest({ key: KEY }));
    expect(decision.kind).toBe('skip');
    expect(decision.kind === 'skip' && decision.reason).toMatch(/^conditions\[0\] could not be evaluated: /);
  });

  it('evaluates when (Kestra 2.0) after the conditions', async () => {
    const when = "{{ trigger.headers['x-event'][0] == 'deploy' }}";
    expect((await receive({ when }, webhookRequest({ key: KEY, headers: { 'X-Event': 'deploy' } }))).kind).toBe('start');
    expect(await receive({ when }, webhookRequest({ key: KEY, headers: { 'X-Event': 'push' } }))).toEqual({ kind: 'skip', reason: 'when is false' });
  });

  it.each(['false', '0', ''])('treats a when that renders %j as false', async (rendered) => {
    expect((await receive({ when: rendered }, webhookRequest({ key: KEY }))).kind).toBe('skip');
  });

  it("refuses MultipleCondition with Kestra's message", async () => {
    const props = { conditions: [{ type: 'io.kestra.plugin.core.condition.MultipleCondition', expression: 'x' }] } as unknown as Partial<Props>;
    const error = await receive(props, webhookRequest({ key: KEY })).catch((e: unknown) => e);
    expect(isSluiceError(error) && error.code).toBe(webhookErrors.codes.WEBHOOK_MULTIPLE_CONDITION);
    expect((error as Error).message).toBe('invalid webhook: conditions of type MultipleCondition are not supported');
  });

  it('refuses any other condition type rather than ignoring it', async () => {
    const props = { conditions: [{ type: 'io.kestra.plugin.core.condition.DayWeek', expression: 'x' }] } as unknown as Partial<Props>;
    await expect(receive(props, webhookRequest({ key: KEY }))).rejects.toThrow(/condition type 'io\.kestra\.plugin\.core\.condition\.DayWeek' is not supported/);
  });

  it('does not check conditions for a request with the wrong key', async () => {
    const props = { conditions: [{ type: 'io.kestra.plugin.core.condition.MultipleCondition', expression: 'x' }] } as unknown as Partial<Props>;
    expect(await receive(props, webhookRequest({ key: 'other' }))).toEqual({ kind: 'not-matched' });
  });
});

describe('Webhook trigger: inputs', () => {
  it('renders every string inside the inputs with the request variables', async () => {
    const decision = await receive(
      { inputs: { name: '{{ trigger.body.user }}', count: 3, nested: { list: ['{{ trigger.parameters.tag[0] }}', true, null] } } },
      webhookRequest({ key: KEY, json: { user: 'ada' }, query: { tag: 'blue' } }),
    );
    expect(decision.kind === 'start' && decision.inputs).toEqual({ name: 'ada', count: 3, nested: { list: ['blue', true, null] } });
  });

  it('answers invalid, naming every input that failed to render', async () => {
    const decision = await receive(
      { inputs: { ok: 'fine', first: '{{ trigger.body.nope.deeper }}', second: ['{{ unclosed' ] } },
      webhookRequest({ key: KEY, json: { a: 1 } }),
    );
    expect(decision.kind).toBe('invalid');
    expect(decision.kind === 'invalid' && decision.errors.map((e) => e.path)).toEqual(['inputs.first', 'inputs.second']);
    expect(decision.kind === 'invalid' && decision.errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it('leaves inputs out when the trigger declares none', async () => {
    const decision = await receive({}, webhookRequest({ key: KEY }));
    expect(decision.kind === 'start' && 'inputs' in decision).toBe(false);
  });
});

describe('Webhook trigger: response policy', () => {
  it('has none when wait is false: the host answers at once', async () => {
    const decision = await receive({ wait: false, returnOutputs: true, responseCode: 201 }, webhookRequest({ key: KEY }));
    expect(decision.kind === 'start' && 'response' in decision).toBe(false);
  });

  it('passes wait, returnOutputs, the content type and the status through', async () => {
    const decision = await receive({ wait: true }, webhookRequest({ key: KEY }));
    expect(decision.kind === 'start' && decision.response).toEqual({ wait: true, returnOutputs: false, contentType: 'application/json' });

    const full = await receive({ wait: true, returnOutputs: true, responseContentType: 'text/plain', responseCode: 201 }, webhookRequest({ key: KEY }));
    expect(full.kind === 'start' && full.response).toEqual({ wait: true, returnOutputs: true, contentType: 'text/plain', statusCode: '201' });
  });

  it('leaves a responseCode template unrendered: only the host has the finished execution', async () => {
    const template = "{{ execution.state == 'FAILED' ? 500 : 202 }}";
    const decision = await receive({ wait: true, responseCode: template }, webhookRequest({ key: KEY }));
    expect(decision.kind === 'start' && decision.response?.statusCode).toBe(template);
  });
});

describe('Webhook trigger definition', () => {
  it("uses Kestra's type, keeps the legacy name, and is a webhook-mode trigger", () => {
    expect(webhook.type).toBe('io.kestra.plugin.core.trigger.Webhook');
    expect(webhook.aliases).toEqual(['io.kestra.core.models.triggers.types.Webhook']);
    expect(webhook.mode).toBe('webhook');
    expect(webhook[BRAND_KEY]).toBe(TRIGGER_BRAND);
  });

  it('has a strict props schema with a description on every field', () => {
    expect(WebhookProps.additionalProperties).toBe(false);
    expect(WebhookProps.required).toEqual(['key']);
    for (const [name, schema] of Object.entries(WebhookProps.properties)) expect(schema.description, name).toMatch(/\S/);
  });

  it('lets the host render the key, and renders inputs, conditions, when and responseCode itself', () => {
    const p = WebhookProps.properties;
    expect(renderedBy(p.key)).toBe('host');
    for (const name of ['inputs', 'when', 'responseCode'] as const) expect(renderedBy(p[name]), name).toBe('plugin');
    expect(renderedBy(p.conditions.items.properties.expression)).toBe('plugin');
    for (const name of ['wait', 'returnOutputs', 'responseContentType', 'conditions'] as const) expect(renderedBy(p[name]), name).toBeUndefined();
  });

  it('bounds the key: not blank, at most 256 characters', () => {
    expect(WebhookProps.properties.key).toMatchObject({ type: 'string', minLength: 1, maxLength: 256, pattern: '\\S' });
    const pattern = new RegExp(WebhookProps.properties.key.pattern ?? '');
    expect(pattern.test('   ')).toBe(false);
    expect(pattern.test(' k ')).toBe(true);
  });

  it('accepts a status code as a number or a template, not as arbitrary text', () => {
    const [integer, text] = (WebhookProps.properties.responseCode as unknown as { anyOf: [{ type: string }, { pattern: string }] }).anyOf;
    expect(integer.type).toBe('integer');
    const pattern = new RegExp(text.pattern);
    expect(['201', ' 404 ', '{{ outputs.code }}', '{% if x %}200{% endif %}'].every((s) => pattern.test(s))).toBe(true);
    expect(['abc', '2000', '99'].some((s) => pattern.test(s))).toBe(false);
  });

  it('accepts only the expression condition types', () => {
    const item = WebhookProps.properties.conditions as unknown as { items: { properties: { type: { anyOf: { const: string }[] } } } };
    expect(item.items.properties.type.anyOf.map((o) => o.const)).toEqual([
      'io.kestra.plugin.core.condition.ExpressionCondition',
      'io.kestra.plugin.core.condition.Expression',
      'io.kestra.core.models.conditions.types.VariableCondition',
    ]);
  });

  it('is the default export of its package', () => {
    expect(isPluginPackage(plugin)).toBe(true);
    expect(plugin.triggers).toEqual([webhook]);
    expect(plugin.tasks).toEqual([]);
  });
});
