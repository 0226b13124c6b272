import { afterAll, describe, expect, it } from 'vitest';
import { createTriggerContext, subsetDifferences } from '@sluice/plugin-testing';
import { dropSessions, publish, uniquePrefix } from '../test/broker.js';
import { exampleProps, prefixTopics, renderLog } from '../test/examples.js';
import { mqttBatch, mqttBatchCases, type MqttBatchProps } from './index.js';

const clientIds: string[] = [];
afterAll(() => dropSessions(clientIds));

describe('MQTT Trigger examples', () => {
  it.each(mqttBatchCases.map((c) => [c.example.title, c] as const))('%s: valid at save, and a poll after the messages gives the expected trigger.* and log', async (_title, c) => {
    const ctx = createTriggerContext();
    const { props, problems } = exampleProps(c.example, mqttBatch, ctx);
    expect(problems).toEqual([]);
    const prefix = uniquePrefix();
    const clientId = `${prefix}-${String(props.clientId)}`;
    clientIds.push(clientId);
    const rewritten = prefixTopics({ ...props, clientId, maxDuration: 'PT2S' } as MqttBatchProps, prefix);
    await mqttBatch.poll(ctx, rewritten, undefined);
    await publish(prefixTopics(c.publish, prefix));
    const { starts } = await mqttBatch.poll(ctx, rewritten, null);
    expect(starts).toHaveLength(1);
    const variables = starts[0]?.variables;
    expect(subsetDifferences(prefixTopics(c.example.expect?.triggerVariables, prefix), variables, 'trigger')).toEqual([]);
    expect(renderLog(c.example, ctx, variables)).toBe(c.example.expect?.logs?.[0]?.message);
  });
});
