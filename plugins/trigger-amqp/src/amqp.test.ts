import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isSluiceError, type StartDecision } from '@sluice/core';
import { createTriggerContext } from '@sluice/plugin-testing';
import { closeConnectionsNamed, openRabbit, RABBIT, type Rabbit } from '../test/rabbit.js';
import type { AmqpMessageVariables, AmqpRealtimeProps } from './amqp.schema.js';
import { amqpRealtimeTrigger } from './amqp.trigger.js';

type Start = StartDecision<AmqpMessageVariables>;
const WAIT = { timeout: 10_000, interval: 20 };

let rabbit: Rabbit;
beforeAll(async () => {
  rabbit = await openRabbit();
});
afterAll(async () => {
  await rabbit.close();
});

const propsFor = (queue: string, more: Partial<AmqpRealtimeProps> = {}): AmqpRealtimeProps => ({
  host: RABBIT.host,
  port: RABBIT.port,
  username: RABBIT.username,
  password: RABBIT.password,
  queue,
  ...more,
});

describe('AMQP RealtimeTrigger on the real RabbitMQ', () => {
  it('starts one execution per message with its properties, keyed by message id, and acknowledges it once stored', async () => {
    const queue = await rabbit.queue('each');
    const ctx = createTriggerContext();
    const starts: Start[] = [];
    const stop = await amqpRealtimeTrigger.listen(ctx, propsFor(queue), async (start) => {
      starts.push(start);
    });
    rabbit.publish(queue, 'hello', {
      messageId: 'm-1',
      contentType: 'text/plain',
      correlationId: 'c-1',
      headers: { source: 'web', attempt: 2 },
      appId: 'shop',
      priority: 3,
      persistent: true,
      timestamp: 1719813600,
      expiration: '60000',
      type: 'greeting',
      replyTo: 'answers',
    });
    rabbit.publish(queue, 'no id');
    await vi.waitFor(() => expect(starts).toHaveLength(2), WAIT);
    expect(starts[0]).toEqual({
      kind: 'start',
      key: 'm-1',
      variables: {
        data: 'hello',
        contentType: 'text/plain',
        correlationId: 'c-1',
        headers: { source: 'web', attempt: '2' },
        appId: 'shop',
        priority: 3,
        deliveryMode: 2,
        messageId: 'm-1',
        timestamp: '2024-07-01T06:00:00Z',
        expiration: 'PT60S',
        type: 'greeting',
        replyTo: 'answers',
      },
    });
    // Without a message id there is no identity: the start has no key.
    expect(starts[1]).toEqual({ kind: 'start', variables: { data: 'no id' } });
    await stop();
    // Both were acknowledged: nothing went back to the queue when the connection closed.
    expect(await rabbit.ready(queue)).toBe(0);
    expect((await rabbit.channel.checkQueue(queue)).consumerCount).toBe(0);
  });

  it('sends a message whose execution could not be stored back to the queue, and gets it again', async () => {
    const queue = await rabbit.queue('requeue');
    const ctx = createTriggerContext();
    const seen: Start[] = [];
    // Thrown at once, not as a rejection: the worst an emit can do.
    const stop = await amqpRealtimeTrigger.listen(ctx, propsFor(queue), (start) => {
      seen.push(start);
      if (seen.length === 1) throw new Error('store unavailable');
      return Promise.resolve();
    });
    rabbit.publish(queue, 'again', { messageId: 'retry-me' });
    await vi.waitFor(() => expect(seen).toHaveLength(2), WAIT);
    expect(seen.map((start) => start.key)).toEqual(['retry-me', 'retry-me']);
    expect(ctx.logs.filter((line) => line.level === 'ERROR').map((line) => line.message)).toEqual([
      expect.stringMatching(/^could not start an execution for a message of queue 'sluice-amqp-pg-requeue-\w+': store unavailable; requeued in \d+ ms$/),
    ]);
    await stop();
    expect(await rabbit.ready(queue)).toBe(0);
  });

  it('holds at most prefetch messages while executions are stored slowly; the rest stay in the queue', async () => {
    const queue = await rabbit.queue('backpressure');
    const ctx = createTriggerContext();
    const pending: (() => void)[] = [];
    const stop = await amqpRealtimeTrigger.listen(ctx, propsFor(queue, { prefetch: 3 }), () => new Promise<void>((resolve) => pending.push(resolve)));
    for (let i = 0; i < 10; i += 1) rabbit.publish(queue, `m${i}`);
    await vi.waitFor(() => expect(pending).toHaveLength(3), WAIT);
    // The broker holds the other seven: it delivers no more until one is acknowledged.
    await vi.waitFor(async () => expect(await rabbit.ready(queue)).toBe(7), WAIT);
    expect(pending).toHaveLength(3);
    pending.shift()?.();
    await vi.waitFor(() => expect(pending).toHaveLength(3), WAIT);
    await vi.waitFor(async () => expect(await rabbit.ready(queue)).toBe(6), WAIT);
    for (const resolve of pending.splice(0)) resolve();
    await stop();
  });

  it('logs one error for a body that is not what serdeType says, drops it without requeue and goes on', async () => {
    const queue = await rabbit.queue('serde');
    const ctx = createTriggerContext();
    const starts: Start[] = [];
    const stop = await amqpRealtimeTrigger.listen(ctx, propsFor(queue, { serdeType: 'JSON' }), async (start) => {
      starts.push(start);
    });
    rabbit.publish(queue, '{not json', { messageId: 'bad-1' });
    rabbit.publish(queue, Buffer.from([0xff, 0xfe]), { messageId: 'bad-2' });
    rabbit.publish(queue, '{"id":42}', { messageId: 'good' });
    await vi.waitFor(() => expect(starts).toHaveLength(1), WAIT);
    expect(starts[0]?.variables.data).toEqual({ id: 42 });
    const errors = ctx.logs.filter((line) => line.level === 'ERROR').map((line) => line.message);
    expect(errors).toEqual([
      expect.stringMatching(/^message 'bad-1' of queue '\S+' is not valid JSON \(.+\); rejected without requeue/),
      expect.stringMatching(/^message 'bad-2' of queue '\S+' is not valid JSON \(the body is not UTF-8 text\); rejected without requeue/),
    ]);
    expect(ctx.rejected).toEqual(errors);
    await stop();
    expect(await rabbit.ready(queue)).toBe(0);
  });

  it('reads the deprecated url, and stops when the host aborts its signal', async () => {
    const queue = await rabbit.queue('url');
    const ctx = createTriggerContext();
    const starts: Start[] = [];
    await amqpRealtimeTrigger.listen(ctx, { url: `amqp://guest:guest@${RABBIT.host}:${RABBIT.port}/%2F`, queue, consumerTag: 'sluice-test' }, async (start) => {
      starts.push(start);
    });
    rabbit.publish(queue, 'ping');
    await vi.waitFor(() => expect(starts).toHaveLength(1), WAIT);
    await vi.waitFor(async () => expect((await rabbit.channel.checkQueue(queue)).consumerCount).toBe(1), WAIT);
    ctx.abort();
    await vi.waitFor(async () => expect((await rabbit.channel.checkQueue(queue)).consumerCount).toBe(0), WAIT);
  });

  it('retries a broker that refuses connections with backoff, logging errors without the password, and never throws', async () => {
    const ctx = createTriggerContext();
    const emit = vi.fn(async () => undefined);
    // Port 1 on 127.0.0.1: nothing listens, so every attempt is refused at once.
    const stop = await amqpRealtimeTrigger.listen(ctx, { url: 'amqp://guest:s3cr%40t-pw@127.0.0.1:1/', queue: 'nowhere' }, emit);
    await vi.waitFor(() => expect(ctx.logs.filter((line) => line.level === 'ERROR').length).toBeGreaterThanOrEqual(2), WAIT);
    await stop();
    const errors = ctx.logs.filter((line) => line.level === 'ERROR').map((line) => line.message);
    expect(errors[0]).toMatch(/^AMQP connection to amqp:\/\/127\.0\.0\.1:1\/%2F failed: .*ECONNREFUSED.*; retrying in \d+ ms$/);
    expect(errors.join('\n')).not.toMatch(/s3cr/);
    expect(emit).not.toHaveBeenCalled();
  });

  it('refuses a url rendered to another scheme at start, with its code and without echoing it', async () => {
    const listening = amqpRealtimeTrigger.listen(createTriggerContext(), { url: 'http://user:hunter2@127.0.0.1/', queue: 'q' }, async () => undefined);
    await expect(listening).rejects.toSatisfy((error: unknown) => isSluiceError(error, 'AMQP_URL_SCHEME') && !String(error).includes('hunter2'));
  });

  it('logs a missing queue as a connection error and consumes once the queue exists', async () => {
    const ctx = createTriggerContext();
    const queue = `sluice-amqp-pg-late-${Math.random().toString(36).slice(2, 8)}`;
    const starts: Start[] = [];
    const stop = await amqpRealtimeTrigger.listen(ctx, propsFor(queue), async (start) => {
      starts.push(start);
    });
    await vi.waitFor(() => expect(ctx.logs.some((line) => line.level === 'ERROR' && line.message.includes('NOT_FOUND'))).toBe(true), WAIT);
    await rabbit.channel.assertQueue(queue, { durable: false });
    try {
      rabbit.publish(queue, 'late');
      await vi.waitFor(() => expect(starts).toHaveLength(1), WAIT);
    } finally {
      await stop();
      await rabbit.channel.deleteQueue(queue);
    }
  });

  it('reconnects by itself when the broker closes its connection, and the message left unacknowledged comes back', async () => {
    const queue = await rabbit.queue('going-away');
    const ctx = createTriggerContext({ ids: { flowId: `going_away_${queue.slice(-6)}` } });
    const starts: Start[] = [];
    let hold: (() => void) | undefined;
    const stop = await amqpRealtimeTrigger.listen(ctx, propsFor(queue), (start) => {
      starts.push(start);
      // The first execution is still being stored when the connection goes away.
      return starts.length === 1 ? new Promise<void>((resolve) => (hold = resolve)) : Promise.resolve();
    });
    try {
      rabbit.publish(queue, 'in flight', { messageId: 'k-1' });
      await vi.waitFor(() => expect(starts).toHaveLength(1), WAIT);
      expect(await closeConnectionsNamed(`going_away_${queue.slice(-6)}`)).toBe(1);
      // Its emit resolves too late to acknowledge: the broker requeued it, and delivers it again on the new connection.
      hold?.();
      await vi.waitFor(() => expect(starts).toHaveLength(2), { timeout: 15_000, interval: 50 });
      expect(starts.map((start) => start.key)).toEqual(['k-1', 'k-1']);
      expect(ctx.logs.filter((line) => line.level === 'ERROR').map((line) => line.message)).toEqual([
        expect.stringMatching(/^AMQP connection to amqp:\/\/127\.0\.0\.1:5672\/%2F failed: .*; retrying in \d+ ms$/),
      ]);
      expect(ctx.logs.filter((line) => line.message.startsWith('consuming queue'))).toHaveLength(2);
    } finally {
      await stop();
    }
    expect(await rabbit.ready(queue)).toBe(0);
  });
});
