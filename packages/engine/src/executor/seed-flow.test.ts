import { timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask, defineTrigger, definePluginPackage, type LogLevel } from '@sluice/core';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { executionToJson, webhookResponseJson } from '../execution/index.js';
import { parseFlow } from '../flow/index.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { dispatchWebhook } from '../webhook/index.js';
import { createExecutor } from './index.js';

// The flow of reference/seed-flow.yaml, from Kestra's documentation; it must run unchanged.
const SEED_FLOW = `id: trigger
namespace: company.team

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello World! 🚀"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: 4wjtkzwVGBM9yKnjm3yv8r
`;

// Stand-ins for the first-party plugins, which live in plugins/ and must not be imported here.
const log = defineTask({
  type: 'io.kestra.plugin.core.log.Log',
  aliases: ['io.kestra.core.tasks.log.Log'],
  title: 'Log',
  description: 'Logs a message.',
  props: Type.Object({
    message: Dynamic(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'What to log.' })),
    level: Type.Optional(Dynamic(Type.String({ description: 'The level.', default: 'INFO' }))),
  }, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'Log', flow: SEED_FLOW }],
  run(ctx, props) {
    for (const line of Array.isArray(props.message) ? props.message : [props.message]) ctx.logger.log((props.level ?? 'INFO') as LogLevel, line);
    return {};
  },
});

const webhook = defineTrigger({
  mode: 'webhook',
  type: 'io.kestra.plugin.core.trigger.Webhook',
  title: 'Webhook',
  description: 'Starts the flow on a request carrying its key.',
  props: Type.Object({ key: Dynamic(Type.String({ description: 'The key.' })) }, { additionalProperties: false }),
  variables: Type.Object({ body: Type.Unknown({ description: 'The body.' }) }),
  examples: [{ title: 'Hook', flow: SEED_FLOW }],
  receive(_ctx, props, request) {
    const [a, b] = [Buffer.from(props.key.trim()), Buffer.from(request.key)];
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { kind: 'not-matched' };
    const text = new TextDecoder().decode(request.body);
    return { kind: 'start', variables: { body: text === '' ? null : text, headers: request.headers, parameters: request.query } };
  },
});

const registry = createRegistry([{
  pkg: definePluginPackage({ tasks: [log], triggers: [webhook] }),
  info: { name: 'seed-plugins', version: '0.0.0', path: '/dev/null', types: [log.type, webhook.type] },
}]);

describe('the seed flow', () => {
  it('runs from a webhook request to one log line and SUCCESS', async () => {
    const parsed = parseFlow(SEED_FLOW, registry, { tenantId: 'main' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const runtime = createMemoryRuntime();
    const flow = await runtime.flows.save({ ...parsed.flow, source: SEED_FLOW });

    const outcome = await dispatchWebhook({
      flow,
      registry,
      request: { method: 'POST', key: '4wjtkzwVGBM9yKnjm3yv8r', headers: {}, query: {}, body: new Uint8Array() },
      secrets: mapSecrets({}),
      tenantId: 'main',
    });
    if (outcome.kind !== 'start') throw new Error(`expected a start, got ${outcome.kind}`);
    // What the host answers at once: CREATED, one history entry, the UI url.
    const answer = webhookResponseJson(outcome.execution, 'http://localhost:8080');
    expect(answer).toMatchObject({ namespace: 'company.team', flowId: 'trigger', flowRevision: 1, state: { current: 'CREATED' } });
    expect(answer.trigger).toEqual({ id: 'webhook', type: webhook.type, variables: { body: null, headers: {}, parameters: {} } });

    await runtime.executions.create(outcome.execution);
    const executor = createExecutor({ runtime, registry, secrets: mapSecrets({}) });
    const execution = await executor.run(outcome.execution.id, new AbortController().signal);

    expect(execution.state.current).toBe('SUCCESS');
    expect(execution.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
    expect(execution.taskRunList).toHaveLength(1);
    expect(execution.taskRunList[0]).toMatchObject({ taskId: 'hello', outputs: {}, state: { current: 'SUCCESS' } });
    const logs = await runtime.logs.list(execution.id);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'INFO', message: 'Hello World! 🚀', taskId: 'hello', namespace: 'company.team', flowId: 'trigger' });
    expect(executionToJson(execution).state).toMatchObject({ current: 'SUCCESS', endDate: expect.any(String), duration: expect.stringMatching(/^PT/) });
    await runtime.close();
  });
});
