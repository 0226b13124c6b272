import { afterAll, describe, expect, it } from 'vitest';
import { createTriggerContext, subsetDifferences } from '@sluice/plugin-testing';
import { dropSessions, publish, uniquePrefix, waitFor } from '../test/broker.js';
import { exampleProps, prefixTopics, renderLog } from '../test/examples.js';
import { mqttRealtime, mqttRealtimeCases, type MqttRealtimeProps } from './index.js';

const clientIds: string[] = [];
afterAll(() => dropSessions(clientIds));

describe('MQTT RealtimeTrigger examples', () => {
  it("cover Kestra's example, MQTT 3 with a wildcard, secrets with QoS 2 and binary payloads", () => {
    expect(mqttRealtime.examples.map((e) => e.title)).toHaveLength(4);
  });

  it.each(mqttRealtimeCases.map((c) => [c.example.title, c] as const))('%s: valid at save, and the published message gives the expected trigger.* and log', async (_title, c) => {
    const ctx = createTriggerContext({ secrets: { MQTT_PASSWORD: 'example-password' } });
    const { props, problems } = exampleProps(c.example, mqttRealtime, ctx);
    expect(problems).toEqual([]);
    const prefix = uniquePrefix();
    const clientId = `${prefix}-${String(props.clientId)}`;
    clientIds.push(clientId);
    const starts: Record<string, unknown>[] = [];
    const stop = await mqttRealtime.listen(ctx, prefixTopics({ ...props, clientId } as MqttRealtimeProps, prefix), async (start) => {
      starts.push(start.variables as Record<string, unknown>);
    });
    try {
      await waitFor(() => ctx.logs.some((l) => l.message.startsWith('connected')), 5000, 'the connection');
      await publish([]);
      await publish(prefixTopics(c.publish, prefix).map((m) => ({ ...m, qos: (props.qos as 0 | 1 | 2 | undefined) ?? 1 })));
      await waitFor(() => starts.length === c.publish.length, 5000, 'the starts');
    } finally {
      await stop();
    }
    expect(subsetDifferences(prefixTopics(c.example.expect?.triggerVariables, prefix), starts[0], 'trigger')).toEqual([]);
    const variables = { ...starts[0], topic: String(starts[0]?.topic).slice(prefix.length + 1) };
    expect(renderLog(c.example, ctx, variables)).toBe(c.example.expect?.logs?.[0]?.message);
  });
});
