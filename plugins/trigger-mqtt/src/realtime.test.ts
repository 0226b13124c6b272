import { afterAll, describe, expect, it } from 'vitest';
import type { StartDecision } from '@sluice/core';
import { createTriggerContext } from '@sluice/plugin-testing';
import { deferred, dropSessions, publish, uniquePrefix, waitFor } from '../test/broker.js';
import { mqttRealtime, type MqttRealtimeProps } from './index.js';

type Start = StartDecision<{ topic: string; payload: unknown; qos: number; retain: boolean; id: number }>;

const clientIds: string[] = [];
afterAll(() => dropSessions(clientIds));

/** Props on a topic and client id of their own. */
function setup(extra: Partial<MqttRealtimeProps> = {}) {
  const prefix = uniquePrefix();
  const clientId = `${prefix}-client`;
  clientIds.push(clientId);
  const topic = `${prefix}/events`;
  const props: MqttRealtimeProps = { server: 'tcp://127.0.0.1:1883', clientId, topic, ...extra };
  return { prefix, topic, props };
}

/** Waits for the listener to be subscribed: the broker keeps nothing for a topic nobody subscribed to yet. */
async function subscribed(ctx: ReturnType<typeof createTriggerContext>): Promise<void> {
  await waitFor(() => ctx.logs.some((line) => line.message.startsWith('connected to MQTT broker')), 5000, 'the connection');
  // The SUBACK follows the CONNACK on the same socket; a round trip of our own covers it.
  await publish([]);
}


/** Listens with `props`, collecting every start; `stop` ends it. */
async function listening(props: Parameters<typeof mqttRealtime.listen>[1], ctx = createTriggerContext()) {
  const starts: Start[] = [];
  const stop = await mqttRealtime.listen(ctx, props, async (start) => {
    starts.push(start as Start);
  });
  return { ctx, starts, stop };
}

describe('MQTT RealtimeTrigger: listen', () => {
  it('starts one execution per message, in order, with the message as trigger.*', async () => {
    const { topic, props } = setup();
    const { ctx, starts, stop } = await listening(props);
    try {
      await subscribed(ctx);
      await publish([1, 2, 3].map((n) => ({ topic, payload: JSON.stringify({ n }) })));
      await waitFor(() => starts.length === 3, 5000, 'three starts');
      expect(starts.map((s) => s.variables.payload)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(starts[0]?.variables).toMatchObject({ topic, qos: 1, retain: false });
      expect(starts.every((s) => s.kind === 'start' && s.key === undefined)).toBe(true);
    } finally {
      await stop();
    }
  });

  it('takes a list of topics, and delivers MQTT 5 properties', async () => {
    const { prefix, props } = setup();
    const topics = [`${prefix}/a`, `${prefix}/b/+`];
    const { ctx, starts, stop } = await listening({ ...props, topic: topics, serdeType: 'STRING' });
    try {
      await subscribed(ctx);
      await publish([
        { topic: `${prefix}/a`, payload: 'to a' },
        { topic: `${prefix}/b/x`, payload: 'to b' },
      ]);
      await waitFor(() => starts.length === 2, 5000, 'two starts');
      expect(starts.map((s) => [s.variables.topic, s.variables.payload])).toEqual([
        [`${prefix}/a`, 'to a'],
        [`${prefix}/b/x`, 'to b'],
      ]);
    } finally {
      await stop();
    }
  });

  it('skips a payload that is not JSON with one error line, acknowledges it, and goes on', async () => {
    const { topic, props } = setup();
    const { ctx, starts, stop } = await listening(props);
    try {
      await subscribed(ctx);
      await publish([
        { topic, payload: 'not json {' },
        { topic, payload: '{"ok":true}' },
      ]);
      await waitFor(() => starts.length === 1, 5000, 'the good message');
      expect(starts[0]?.variables.payload).toEqual({ ok: true });
      const errors = ctx.logs.filter((line) => line.level === 'ERROR');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(new RegExp(`^message on topic '${topic}' skipped: its payload is not JSON`));
      expect(ctx.rejected).toEqual([errors[0]?.message]);
    } finally {
      await stop();
    }
    // Acknowledged: a new listener in the same session does not get it again.
    const again: Start[] = [];
    const ctx2 = createTriggerContext();
    const stop2 = await mqttRealtime.listen(ctx2, props, async (start) => {
      again.push(start as Start);
    });
    await subscribed(ctx2);
    await publish([{ topic, payload: '{"last":true}' }]);
    await waitFor(() => again.length === 1, 5000, 'the last message');
    await stop2();
    expect(again.map((s) => s.variables.payload)).toEqual([{ last: true }]);
  });

  it('does not acknowledge a message whose emit rejects: it comes again after a reconnect', async () => {
    const { topic, props } = setup();
    const ctx = createTriggerContext();
    const seen: unknown[] = [];
    let failures = 1;
    const stop = await mqttRealtime.listen(ctx, props, async (start) => {
      seen.push((start as Start).variables.payload);
      if (failures-- > 0) throw new Error('the store is down');
    });
    try {
      await subscribed(ctx);
      await publish([{ topic, payload: '{"n":1}' }]);
      await waitFor(() => seen.length >= 2, 10_000, 'the redelivery');
      expect(seen.slice(0, 2)).toEqual([{ n: 1 }, { n: 1 }]);
      expect(ctx.logs.map((l) => l.message)).toContainEqual(
        `message on topic '${topic}' not acknowledged, the broker will redeliver it: starting its execution failed (the store is down)`,
      );
    } finally {
      await stop();
    }
  });

  it('an emit that never resolves: stop still returns, and the next listener in the session gets the message again', async () => {
    const { topic, props } = setup({ qos: 2 });
    const first = createTriggerContext();
    const held: unknown[] = [];
    const stop = await mqttRealtime.listen(first, props, (start) => {
      held.push((start as Start).variables.payload);
      return new Promise<void>(() => {});
    });
    await subscribed(first);
    await publish([{ topic, payload: '{"n":"held"}', qos: 2 }]);
    await waitFor(() => held.length === 1, 5000, 'the held message');
    await stop();

    const { starts: again, stop: stop2 } = await listening(props);
    try {
      await waitFor(() => again.length === 1, 5000, 'the redelivery');
      expect(again[0]?.variables).toMatchObject({ payload: { n: 'held' }, qos: 2 });
    } finally {
      await stop2();
    }
  });

  it('while an emit is pending the next message is not read: one execution at a time, the broker keeps the rest', async () => {
    const { topic, props } = setup();
    const ctx = createTriggerContext();
    const pending: { n: unknown; done: ReturnType<typeof deferred> }[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const stop = await mqttRealtime.listen(ctx, props, async (start) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const done = deferred();
      pending.push({ n: (start as Start).variables.payload, done });
      await done.promise;
      inFlight -= 1;
    });
    try {
      await subscribed(ctx);
      await publish(Array.from({ length: 50 }, (_, n) => ({ topic, payload: String(n) })));
      await waitFor(() => pending.length === 1, 5000, 'the first message');
      // Give the socket time to bring more, were it read: nothing more may be handed over.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(pending).toHaveLength(1);
      for (let i = 0; i < 50; i++) {
        await waitFor(() => pending.length === i + 1, 5000, `message ${i}`);
        pending[i]?.done.resolve();
      }
      expect(pending.map((p) => p.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
      expect(maxInFlight).toBe(1);
    } finally {
      await stop();
    }
  });

  it('a broker that refuses the connection: warnings with a growing wait, no crash, no password in any line, and stop ends it', async () => {
    const ctx = createTriggerContext();
    const props: MqttRealtimeProps = {
      server: 'tcp://admin:url-s3cret@127.0.0.1:1',
      clientId: `${uniquePrefix()}-refused`,
      topic: 'never',
      password: 'prop-s3cret',
      username: 'admin',
    };
    const stop = await mqttRealtime.listen(ctx, props, async () => {});
    await waitFor(() => ctx.logs.filter((l) => l.level === 'WARN').length >= 3, 10_000, 'three failed attempts');
    await stop();
    const warnings = ctx.logs.filter((l) => l.level === 'WARN').map((l) => l.message);
    expect(warnings[0]).toMatch(/^cannot connect to MQTT broker tcp:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*; retrying in 500 ms$/);
    expect(warnings[1]).toMatch(/retrying in 1000 ms$/);
    expect(warnings[2]).toMatch(/retrying in 2000 ms$/);
    expect(JSON.stringify(ctx.logs)).not.toMatch(/s3cret/);
    const count = ctx.logs.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(ctx.logs.length).toBe(count);
  });

  it("stops when the host's signal fires", async () => {
    const { topic, props } = setup();
    const ctx = createTriggerContext();
    const starts: Start[] = [];
    await mqttRealtime.listen(ctx, props, async (start) => {
      starts.push(start as Start);
    });
    await subscribed(ctx);
    ctx.abort();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await publish([{ topic, payload: '{"after":"stop"}' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(starts).toHaveLength(0);
  });

  it('refuses a server of an unknown scheme when listening starts, naming no credentials', async () => {
    const ctx = createTriggerContext();
    await expect(mqttRealtime.listen(ctx, { server: 'http://u:pw-s3cret@127.0.0.1:1883', clientId: 'x', topic: 't' }, async () => {})).rejects.toMatchObject({
      code: 'MQTT_INVALID_SERVER',
      message: expect.not.stringContaining('s3cret') as unknown as string,
    });
  });
});

describe('MQTT RealtimeTrigger: check at save', () => {
  const base = { server: 'tcp://127.0.0.1:1883', clientId: 'c', topic: 't' };
  it('accepts Kestra props and templates', () => {
    expect(mqttRealtime.check?.(base)).toEqual([]);
    expect(mqttRealtime.check?.({ ...base, server: "{{ secret('MQTT_URL') }}", qos: 2 })).toEqual([]);
  });
  it('refuses an unknown scheme, QoS 2 with MQTT 3, and a crt that is not PEM', () => {
    expect(mqttRealtime.check?.({ ...base, server: 'amqp://127.0.0.1' })).toEqual([
      { path: ['server'], message: "invalid MQTT server: unknown scheme 'amqp'; use one of tcp://, mqtt://, ssl://, mqtts://, ws://, wss://" },
    ]);
    expect(mqttRealtime.check?.({ ...base, qos: 2, mqttVersion: 'V3' })[0]?.path).toEqual(['qos']);
    expect(mqttRealtime.check?.({ ...base, crt: 'kestra:///ca.crt' })[0]?.path).toEqual(['crt']);
  });
});
