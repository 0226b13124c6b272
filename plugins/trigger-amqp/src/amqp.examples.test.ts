import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Options } from 'amqplib';
import type { StartDecision } from '@sluice/core';
import { createTriggerContext } from '@sluice/plugin-testing';
// The examples log through the Log task; a relative import keeps the plugin's package.json free
// of a dependency only its tests need.
import logPlugin from '../../core-log/src/index.js';
import { openRabbit, RABBIT, type Rabbit } from '../test/rabbit.js';
import { logMessageOf, registryWith, saveProblems, triggerProps } from '../test/save-time.js';
import type { AmqpRealtimeProps } from './amqp.schema.js';
import { amqpRealtimeTrigger } from './amqp.trigger.js';

// The message each example is fed, by title.
const MESSAGES: Readonly<Record<string, { body: string; properties: Options.Publish }>> = {
  'Start a flow per message of a queue, the body as text': { body: 'hello', properties: { contentType: 'text/plain', messageId: 'order-1' } },
  'Parse JSON bodies and read the message properties': { body: '{"id":42}', properties: { appId: 'shop', headers: { source: 'web' } } },
  "Kestra's deprecated url, still read": { body: 'ping', properties: { correlationId: 'c-7' } },
};

const registry = registryWith(amqpRealtimeTrigger, [logPlugin]);
let rabbit: Rabbit;
beforeAll(async () => {
  rabbit = await openRabbit();
});
afterAll(async () => {
  await rabbit.close();
});

describe('AMQP RealtimeTrigger examples', () => {
  it.each(amqpRealtimeTrigger.examples.map((example) => [example.title, example] as const))('%s', async (title, example) => {
    expect(saveProblems(example.flow, registry)).toEqual([]);
    const message = MESSAGES[title];
    if (message === undefined) throw new Error(`no message for the example '${title}'`);
    const ctx = createTriggerContext({ secrets: { RABBITMQ_PASSWORD: RABBIT.password } });
    const written = triggerProps(example.flow, registry, (template) => ctx.render(template));
    // The example's broker and queue, pointed at this machine's RabbitMQ and a queue of the test.
    const queue = await rabbit.queue('example');
    const props = { ...written, queue } as AmqpRealtimeProps;
    if (props.url === undefined) Object.assign(props, { host: RABBIT.host });
    else Object.assign(props, { url: props.url.replace('localhost', RABBIT.host) });

    const starts: StartDecision[] = [];
    const stop = await amqpRealtimeTrigger.listen(ctx, props, async (start) => {
      starts.push(start);
    });
    try {
      rabbit.publish(queue, message.body, message.properties);
      await vi.waitFor(() => expect(starts).toHaveLength(1), { timeout: 10_000, interval: 20 });
    } finally {
      await stop();
    }
    const variables = starts[0]?.variables as Record<string, unknown>;
    expect(variables).toMatchObject(example.expect?.triggerVariables ?? {});
    expect(ctx.render(logMessageOf(example.flow, registry), { trigger: variables })).toBe(example.expect?.logs?.[0]?.message);
  });
});
