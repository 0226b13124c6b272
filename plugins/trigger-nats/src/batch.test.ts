import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTriggerContext } from '@sluice/plugin-testing';
import { createTestStream, type TestStream } from '../test/server.js';
import { fetchWindowMs, natsBatch, type NatsBatchProps, type NatsCursor } from './index.js';

let stream: TestStream;
beforeAll(async () => {
  stream = await createTestStream();
});
afterAll(() => stream.drop());

let n = 0;
function setup(extra: Partial<NatsBatchProps> = {}) {
  n += 1;
  const subject = `${stream.prefix}.b${n}`;
  const props: NatsBatchProps = { url: 'nats://127.0.0.1:4222', subject, maxRecords: 2, pollDuration: 'PT1S', maxDuration: 'PT5S', ...extra };
  return { subject, props };
}

type Batch = { messagesCount: number; messages: { data: string; sequence: number }[] };

describe('NATS Trigger: poll', () => {
  it('starts one execution per poll, maxRecords at a time, and goes on from the cursor it returned', async () => {
    const { subject, props } = setup();
    await stream.publish(['a', 'b', 'c'].map((data) => ({ subject, data })));
    const ctx = createTriggerContext();
    const first = await natsBatch.poll(ctx, props, undefined);
    expect(first.starts).toHaveLength(1);
    const firstBatch = first.starts[0]?.variables as Batch;
    expect(firstBatch.messages.map((m) => m.data)).toEqual(['a', 'b']);
    expect(first.starts[0]?.key).toBe(`${stream.name}:${firstBatch.messages[0]?.sequence}-${firstBatch.messages[1]?.sequence}`);

    const second = await natsBatch.poll(ctx, props, first.cursor);
    expect((second.starts[0]?.variables as Batch).messages.map((m) => m.data)).toEqual(['c']);

    const third = await natsBatch.poll(ctx, props, second.cursor);
    expect(third.starts).toEqual([]);
    expect(third.cursor).toEqual(second.cursor);
  });

  it('a poll repeated with the old cursor (its execution was never stored) gets the same batch again', async () => {
    const { subject, props } = setup();
    await stream.publish(['x', 'y'].map((data) => ({ subject, data })));
    const ctx = createTriggerContext();
    const once = await natsBatch.poll(ctx, props, undefined);
    const again = await natsBatch.poll(ctx, props, undefined);
    expect(again.starts).toEqual(once.starts);
  });

  it('with deliverPolicy New, the first poll marks where the stream is and the next gets what came after', async () => {
    const { subject, props } = setup({ deliverPolicy: 'New' });
    await stream.publish([{ subject, data: 'old' }]);
    const ctx = createTriggerContext();
    const first = await natsBatch.poll(ctx, props, undefined);
    expect(first.starts).toEqual([]);
    await stream.publish([{ subject, data: 'new' }]);
    const second = await natsBatch.poll(ctx, props, first.cursor);
    expect((second.starts[0]?.variables as Batch).messages.map((m) => m.data)).toEqual(['new']);
    expect((second.cursor as NatsCursor).stream).toBe(stream.name);
  });

  it('fails the poll with a coded error, without the secrets, when the server refuses the connection', async () => {
    const ctx = createTriggerContext();
    const error = await natsBatch.poll(ctx, { url: 'nats://u:s3cret@127.0.0.1:1', subject: 'x', token: 't0k3n' }, undefined).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'NATS_CONNECTION_FAILED' });
    expect((error as Error).message).not.toMatch(/s3cret|t0k3n/);
  });
});

describe('NATS Trigger: interval and checks', () => {
  const base = { url: 'nats://127.0.0.1:4222', subject: 's' };
  it("reads Kestra's interval, PT60S by default, and fetches for maxDuration but never past the interval", () => {
    expect(natsBatch.interval(base)).toBe(60_000);
    expect(fetchWindowMs({ ...base, interval: 'PT30S', maxDuration: 'PT10S' })).toBe(10_000);
    expect(fetchWindowMs({ ...base, interval: 'PT30S', maxDuration: 'PT1M' })).toBe(30_000);
  });
  it('refuses an interval under a second', () => {
    expect(natsBatch.check?.(base)).toEqual([]);
    expect(natsBatch.check?.({ ...base, interval: 'PT0.1S' })).toEqual([{ path: ['interval'], message: 'interval must be at least PT1S' }]);
  });
});
