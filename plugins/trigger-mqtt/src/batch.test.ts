import { afterAll, describe, expect, it } from 'vitest';
import { createTriggerContext } from '@sluice/plugin-testing';
import { dropSessions, publish, uniquePrefix } from '../test/broker.js';
import { collectWindowMs, mqttBatch, type MqttBatchProps } from './index.js';

const clientIds: string[] = [];
afterAll(() => dropSessions(clientIds));

function setup(extra: Partial<MqttBatchProps> = {}) {
  const prefix = uniquePrefix();
  const clientId = `${prefix}-batch`;
  clientIds.push(clientId);
  const topic = `${prefix}/readings`;
  const props: MqttBatchProps = { server: 'tcp://127.0.0.1:1883', clientId, topic, maxRecords: 2, maxDuration: 'PT1S', ...extra };
  return { topic, props };
}

describe('MQTT Trigger: poll', () => {
  it('starts nothing on an empty poll, then one execution per poll with what the session kept, maxRecords at a time', async () => {
    const { topic, props } = setup();
    const ctx = createTriggerContext();
    // The first poll opens the session; the broker keeps messages for it from then on.
    expect(await mqttBatch.poll(ctx, props, undefined)).toEqual({ starts: [], cursor: null });

    await publish([1, 2, 3].map((n) => ({ topic, payload: JSON.stringify({ n }) })));
    const first = await mqttBatch.poll(ctx, props, null);
    expect(first.starts).toHaveLength(1);
    expect(first.starts[0]?.variables).toMatchObject({ messagesCount: 2, messages: [{ topic, payload: { n: 1 } }, { topic, payload: { n: 2 } }] });

    const second = await mqttBatch.poll(ctx, props, first.cursor);
    expect(second.starts[0]?.variables).toMatchObject({ messagesCount: 1, messages: [{ payload: { n: 3 } }] });
  });

  it('skips a payload that does not decode with one error line', async () => {
    const { topic, props } = setup({ mqttVersion: 'V3' });
    const ctx = createTriggerContext();
    await mqttBatch.poll(ctx, props, undefined);
    await publish([
      { topic, payload: '{broken' },
      { topic, payload: '{"ok":1}' },
    ]);
    const result = await mqttBatch.poll(ctx, { ...props, maxRecords: 1 }, null);
    expect(result.starts[0]?.variables).toMatchObject({ messagesCount: 1, messages: [{ payload: { ok: 1 } }] });
    expect(ctx.logs.filter((l) => l.level === 'ERROR')).toHaveLength(1);
    // Reported through the host's hook, which counts it on /metrics and in the trigger's state.
    expect(ctx.rejected).toHaveLength(1);
  });

  it('fails the poll with a coded error, without the password, when the broker refuses the connection', async () => {
    const ctx = createTriggerContext();
    const props: MqttBatchProps = { server: 'tcp://u:s3cret@127.0.0.1:1', clientId: 'refused', topic: 't', maxDuration: 'PT1S' };
    const error = await mqttBatch.poll(ctx, props, undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'MQTT_CONNECTION_FAILED' });
    expect(String((error as Error).message)).not.toContain('s3cret');
  });

  it('stops collecting when the signal fires', async () => {
    const { props } = setup({ maxRecords: 100, maxDuration: 'PT30S', interval: 'PT60S' });
    const ctx = createTriggerContext();
    const polled = mqttBatch.poll(ctx, props, undefined);
    setTimeout(() => ctx.abort(), 300);
    await expect(polled).resolves.toEqual({ starts: [], cursor: null });
  });
});

describe('MQTT Trigger: interval and checks', () => {
  const base = { server: 'tcp://127.0.0.1:1883', clientId: 'c', topic: 't' };
  it("reads Kestra's interval, PT60S by default, and collects for maxDuration but never past the interval", () => {
    expect(mqttBatch.interval(base)).toBe(60_000);
    expect(mqttBatch.interval({ ...base, interval: 'PT5M' })).toBe(300_000);
    expect(collectWindowMs({ ...base, interval: 'PT30S', maxDuration: 'PT10S' })).toBe(10_000);
    expect(collectWindowMs({ ...base, interval: 'PT30S', maxDuration: 'PT1M' })).toBe(30_000);
    expect(collectWindowMs({ ...base, maxRecords: 5 })).toBe(60_000);
  });
  it('refuses an interval under a second and a poll without maxRecords or maxDuration', () => {
    expect(mqttBatch.check?.({ ...base, maxRecords: 10 })).toEqual([]);
    expect(mqttBatch.check?.({ ...base, maxRecords: 10, interval: 'PT0.5S' })).toEqual([{ path: ['interval'], message: 'interval must be at least PT1S' }]);
    expect(mqttBatch.check?.(base)).toEqual([{ path: ['maxRecords'], message: 'set maxRecords or maxDuration (or both): they bound what one poll collects' }]);
  });
});
