import { timingSafeEqual } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { Dynamic, Type, definePluginPackage, defineTrigger, type PluginLogger, type WebhookRequest } from '@sluice/core';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { dispatchWebhook, type DispatchWebhookInput } from './index.js';

const WEBHOOK = 'io.kestra.plugin.core.trigger.Webhook';

const sameKey = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** A small Webhook-like trigger: key match, JSON body, plugin-rendered inputs, a skip switch. */
const webhook = defineTrigger({
  mode: 'webhook',
  type: WEBHOOK,
  title: 'Webhook',
  description: 'Starts the flow on an HTTP request carrying its key.',
  props: Type.Object({
    key: Dynamic(Type.String({ description: 'The secret key in the URL.' })),
    inputs: Type.Optional(Dynamic(Type.Record(Type.String(), Type.Unknown(), { description: 'Flow inputs.' }), { renderedBy: 'plugin' })),
    skip: Type.Optional(Type.Boolean({ description: 'Skip every request.' })),
    invalid: Type.Optional(Type.Boolean({ description: 'Refuse every request.' })),
  }, { additionalProperties: false }),
  variables: Type.Object({ body: Type.Unknown({ description: 'The body.' }) }),
  examples: [{ title: 'Hook', flow: 'id: x' }],
  receive(ctx, props, request) {
    if (!sameKey(props.key.trim(), request.key)) return { kind: 'not-matched' };
    ctx.logger.info(`matched with ${props.key}`);
    if (props.skip) return { kind: 'skip', reason: 'told to' };
    if (props.invalid) return { kind: 'invalid', errors: [{ path: 'body', message: 'nope' }] };
    const text = new TextDecoder().decode(request.body);
    const body: unknown = text === '' ? null : JSON.parse(text);
    const inputs = props.inputs && Object.fromEntries(Object.entries(props.inputs).map(([k, v]) => [k, ctx.render(String(v), { trigger: { body } })]));
    return { kind: 'start', variables: { body, headers: request.headers, parameters: request.query }, ...(inputs ? { inputs } : {}), response: { wait: false } };
  },
});

const other = defineTrigger({
  mode: 'schedule',
  type: 'io.kestra.plugin.core.trigger.Schedule',
  title: 'Schedule',
  description: 'Not a webhook.',
  props: Type.Object({ key: Type.Optional(Type.String({ description: 'Looks like a key.' })) }, { additionalProperties: false }),
  variables: Type.Object({}),
  examples: [{ title: 'Schedule', flow: 'id: x' }],
  nextDate: () => undefined,
  fire: () => ({ kind: 'skip' as const, reason: 'never' }),
});

const registry = createRegistry([{
  pkg: definePluginPackage({ triggers: [webhook, other] }),
  info: { name: 'test-triggers', version: '0.0.0', path: '/dev/null', types: [WEBHOOK, other.type] },
}]);

const hook = (props: Record<string, unknown>, more: Partial<FlowTrigger> = {}): FlowTrigger =>
  ({ id: 'webhook', type: WEBHOOK, disabled: false, labels: [], props, ...more });

function makeFlow(overrides: Partial<FlowRevision> = {}): FlowRevision {
  return {
    tenantId: 'main', id: 'trigger', namespace: 'company.team', labels: [{ key: 'team', value: 'data' }], inputs: [], variables: {},
    outputs: [], tasks: [], triggers: [hook({ key: '4wjtkzwVGBM9yKnjm3yv8r' })], disabled: false, extra: {},
    revision: 1, source: '', updated: '2024-01-01T00:00:00.000Z', deleted: false, ...overrides,
  };
}

const request = (key: string, body?: unknown): WebhookRequest => ({
  method: 'POST', key, headers: { 'content-type': ['application/json'] }, query: { a: ['1'] },
  body: body === undefined ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(body)),
});

const dispatch = (over: Partial<DispatchWebhookInput>) =>
  dispatchWebhook({ flow: makeFlow(), registry, request: request('4wjtkzwVGBM9yKnjm3yv8r'), secrets: mapSecrets({}), tenantId: 'main', ...over });

describe('dispatchWebhook: start', () => {
  it('creates (but does not store) an execution with the trigger variables and labels', async () => {
    const now = new Date('2024-05-01T00:00:00.000Z');
    const outcome = await dispatch({ request: request('4wjtkzwVGBM9yKnjm3yv8r', { name: 'Ada' }), now });
    expect(outcome.kind).toBe('start');
    if (outcome.kind !== 'start') return;
    expect(outcome.response).toEqual({ wait: false });
    expect(outcome.execution).toMatchObject({
      namespace: 'company.team', flowId: 'trigger', flowRevision: 1,
      state: { current: 'CREATED', histories: [{ state: 'CREATED', date: now.toISOString() }] },
      trigger: { id: 'webhook', type: WEBHOOK, variables: { body: { name: 'Ada' }, headers: { 'content-type': ['application/json'] }, parameters: { a: ['1'] } } },
    });
    expect(outcome.execution.labels).toEqual([
      { key: 'team', value: 'data' },
      { key: 'system.correlationId', value: outcome.execution.id },
      { key: 'system.from', value: 'trigger' },
    ]);
  });

  it('renders the key with flow variables', async () => {
    const flow = makeFlow({ triggers: [hook({ key: '{{ flow.namespace }}-{{ flow.id }}-{{ trigger.id }}' })] });
    expect((await dispatch({ flow, request: request('company.team-trigger-webhook') })).kind).toBe('start');
  });

  it("renders a key from a secret, and masks it in the trigger's log lines", async () => {
    const lines: string[] = [];
    const logger = { ...silent(), info: (m: string) => lines.push(m) };
    const flow = makeFlow({ triggers: [hook({ key: "{{ secret('WEBHOOK_KEY') }}" })] });
    const secrets = mapSecrets({ WEBHOOK_KEY: 's3cret-key' });
    expect((await dispatch({ flow, secrets, request: request('s3cret-key'), logger })).kind).toBe('start');
    expect(lines).toEqual(['matched with ******']);
    expect((await dispatch({ flow, secrets, request: request('wrong') })).kind).toBe('not-found');
  });

  it('tries the next trigger when one does not match, in flow order', async () => {
    const flow = makeFlow({ triggers: [hook({ key: 'first' }, { id: 'a' }), hook({ key: 'second' }, { id: 'b' })] });
    const outcome = await dispatch({ flow, request: request('second') });
    expect(outcome.kind === 'start' && outcome.execution.trigger?.id).toBe('b');
  });

  it('passes the rendered inputs through createExecution: coerced, or invalid with paths', async () => {
    const flow = makeFlow({
      inputs: [{ id: 'age', type: 'INT', required: true, extra: {} }],
      triggers: [hook({ key: 'k', inputs: { age: '{{ trigger.body.age }}' } })],
    });
    const ok = await dispatch({ flow, request: request('k', { age: 42 }) });
    expect(ok.kind === 'start' && ok.execution.inputs).toEqual({ age: 42 });
    const bad = await dispatch({ flow, request: request('k', { age: 'old' }) });
    expect(bad).toEqual({ kind: 'invalid', errors: [{ path: 'inputs.age', message: expect.stringContaining('integer') }] });
  });

  it('maps skip and invalid decisions', async () => {
    expect(await dispatch({ flow: makeFlow({ triggers: [hook({ key: 'k', skip: true })] }), request: request('k') })).toEqual({ kind: 'skip' });
    expect(await dispatch({ flow: makeFlow({ triggers: [hook({ key: 'k', invalid: true })] }), request: request('k') }))
      .toEqual({ kind: 'invalid', errors: [{ path: 'body', message: 'nope' }] });
  });
});

function silent(): PluginLogger {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

describe('dispatchWebhook: one uniform not-found', () => {
  const KEY = '4wjtkzwVGBM9yKnjm3yv8r';
  it.each([
    ['an unknown flow', { flow: undefined }],
    ['a disabled flow', { flow: makeFlow({ disabled: true }) }],
    ['a deleted flow', { flow: makeFlow({ deleted: true }) }],
    ['a flow of another tenant', { tenantId: 'other' }],
    ['a disabled trigger', { flow: makeFlow({ triggers: [hook({ key: KEY }, { disabled: true })] }) }],
    ['a wrong key', { request: request('wrong-key') }],
    ['a key differing in case', { request: request(KEY.toLowerCase()) }],
    ['a flow without webhook trigger', { flow: makeFlow({ triggers: [{ id: 's', type: other.type, disabled: false, labels: [], props: { key: KEY } }] }) }],
    ['a trigger type no plugin provides', { flow: makeFlow({ triggers: [{ id: 'x', type: 'com.example.Gone', disabled: false, labels: [], props: { key: KEY } }] }) }],
  ] as const)('%s', async (_name, over) => {
    const outcome = await dispatch(over as Partial<DispatchWebhookInput>);
    expect(outcome).toStrictEqual({ kind: 'not-found' });
  });

  it('gives the same answer object whatever the reason', async () => {
    const a = await dispatch({ flow: undefined });
    const b = await dispatch({ request: request('wrong') });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('dispatchWebhook: a trigger that fails to render', () => {
  it('is skipped with a warning that names neither the key nor the template', async () => {
    const warn = vi.fn();
    const flow = makeFlow({
      triggers: [
        hook({ key: "super-secret-{{ secret('MISSING') }}" }, { id: 'broken' }),
        hook({ key: 'k' }, { id: 'fine' }),
      ],
    });
    const outcome = await dispatch({ flow, request: request('k'), logger: { ...silent(), warn } });
    expect(outcome.kind === 'start' && outcome.execution.trigger?.id).toBe('fine');
    expect(warn).toHaveBeenCalledTimes(1);
    const message = String(warn.mock.calls[0]?.[0]);
    expect(message).toContain("webhook trigger 'broken' of flow company.team.trigger skipped");
    expect(message).not.toContain('super-secret');
    expect(message).not.toContain('MISSING');
  });

  it('is skipped when the rendered props do not validate, without quoting the value', async () => {
    const warn = vi.fn();
    const flow = makeFlow({ triggers: [hook({ key: 12345678 })] });
    expect(await dispatch({ flow, request: request('12345678'), logger: { ...silent(), warn } })).toEqual({ kind: 'not-found' });
    expect(String(warn.mock.calls[0]?.[0])).not.toContain('12345678');
  });
});
