import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartDecision } from '@sluice/core';
import { createTriggerContext } from '@sluice/plugin-testing';
import { createTestStream, waitFor, type TestStream } from '../test/server.js';
import { natsRealtime, type NatsRealtimeProps } from './index.js';

type Start = StartDecision<{ subject: string; data: string; sequence: number; stream: string; headers: Record<string, string[]> }>;

let stream: TestStream;
beforeAll(async () => {
  stream = await createTestStream();
});
afterAll(() => stream.drop());

let n = 0;
/** Props on a subject and durable consumer of their own. */
function setup(extra: Partial<NatsRealtimeProps> = {}) {
  n += 1;
  const subject = `${stream.prefix}.t${n}`;
  const durableId = `${stream.prefix}_c${n}`;
  const props: NatsRealtimeProps = { url: 'nats://127.0.0.1:4222', subject, durableId, ...extra };
  return { subject, durableId, props };
}

const consuming = (ctx: ReturnType<typeof createTriggerContext>) =>
  waitFor(() => ctx.logs.some((l) => l.message.startsWith('consuming')), 5000, 'the consumer');


/** Listens with `props`, collecting every start; `stop` ends it. */
async function listening(props: Parameters<typeof natsRealtime.listen>[1], ctx = createTriggerContext()) {
  const starts: Start[] = [];
  const stop = await natsRealtime.listen(ctx, props, async (start) => {
    starts.push(start as Start);
  });
  return { ctx, starts, stop };
}

describe('NATS RealtimeTrigger: listen', () => {
  it('starts one execution per message, in order, keyed by stream sequence, and acknowledges each', async () => {
    const { subject, durableId, props } = setup();
    await stream.publish([1, 2, 3].map((i) => ({ subject, data: `m${i}`, headers: { 'X-Test': String(i) } })));
    const { starts, stop } = await listening(props);
    try {
      await waitFor(() => starts.length === 3, 5000, 'three starts');
      expect(starts.map((s) => s.variables.data)).toEqual(['m1', 'm2', 'm3']);
      expect(starts[0]?.variables).toMatchObject({ subject, stream: stream.name, headers: { 'X-Test': ['1'] } });
      expect(starts.map((s) => s.key)).toEqual(starts.map((s) => `${stream.name}:${s.variables.sequence}`));
      expect(new Set(starts.map((s) => s.key)).size).toBe(3);
      await waitFor(async () => (await stream.consumerState(durableId)).ackPending === 0, 5000, 'the acknowledgements');
    } finally {
      await stop();
    }
  });

  it('a restart goes on where the durable consumer stopped', async () => {
    const { subject, props } = setup();
    await stream.publish([{ subject, data: 'first' }]);
    const starts: Start[] = [];
    const ctx = createTriggerContext();
    const stop = await natsRealtime.listen(ctx, props, async (start) => {
      starts.push(start as Start);
    });
    await waitFor(() => starts.length === 1, 5000, 'the first');
    await stop();
    await stream.publish([{ subject, data: 'second' }]);
    const ctx2 = createTriggerContext();
    const stop2 = await natsRealtime.listen(ctx2, props, async (start) => {
      starts.push(start as Start);
    });
    try {
      // Usually at once; if the server handed it to the stopped listener's last pull request,
      // after the 10 s acknowledgement wait.
      await waitFor(() => starts.length === 2, 20_000, 'the second');
      expect(starts.map((s) => s.variables.data)).toEqual(['first', 'second']);
    } finally {
      await stop2();
    }
  }, 40_000);

  it('a rejected emit is not acknowledged: JetStream redelivers the message, with the same key', async () => {
    const { subject, props } = setup();
    const ctx = createTriggerContext();
    const starts: Start[] = [];
    let failures = 1;
    const stop = await natsRealtime.listen(ctx, props, async (start) => {
      starts.push(start as Start);
      if (failures-- > 0) throw new Error('the store is down');
    });
    try {
      await consuming(ctx);
      await stream.publish([{ subject, data: 'retry me' }]);
      await waitFor(() => starts.length === 2, 10_000, 'the redelivery');
      expect(starts[1]?.key).toBe(starts[0]?.key);
      expect(ctx.logs.filter((l) => l.level === 'ERROR').map((l) => l.message)).toEqual([
        `message ${starts[0]?.variables.sequence} on subject '${subject}' not acknowledged, JetStream will redeliver it: starting its execution failed (the store is down)`,
      ]);
    } finally {
      await stop();
    }
  });

  it('an emit that never resolves: stop returns, and the next listener gets the message again', async () => {
    const { subject, props } = setup();
    const ctx = createTriggerContext();
    const held: Start[] = [];
    const stop = await natsRealtime.listen(ctx, props, (start) => {
      held.push(start as Start);
      return new Promise<void>(() => {});
    });
    await stream.publish([{ subject, data: 'held' }]);
    await waitFor(() => held.length === 1, 5000, 'the held message');
    await stop();
    const again: Start[] = [];
    const ctx2 = createTriggerContext();
    // Stopping handed the message back (a nak), so it comes at once, not after the 30 s ack wait.
    const stop2 = await natsRealtime.listen(ctx2, props, async (start) => {
      again.push(start as Start);
    });
    try {
      await waitFor(() => again.length === 1, 5000, 'the redelivery');
      expect(again[0]?.key).toBe(held[0]?.key);
    } finally {
      await stop2();
    }
  });

  it('backpressure: while emits are pending, at most batchSize messages are delivered and unacknowledged', async () => {
    const { subject, durableId, props } = setup({ batchSize: 5 });
    await stream.publish(Array.from({ length: 40 }, (_, i) => ({ subject, data: String(i) })));
    const ctx = createTriggerContext();
    const releases: (() => void)[] = [];
    const seen: string[] = [];
    const stop = await natsRealtime.listen(ctx, props, (start) => {
      seen.push((start as Start).variables.data);
      return new Promise<void>((resolve) => releases.push(resolve));
    });
    try {
      await waitFor(() => seen.length === 1, 5000, 'the first message');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toHaveLength(1);
      const state = await stream.consumerState(durableId);
      expect(state.ackPending).toBeLessThanOrEqual(5);
      expect(state.pending).toBeGreaterThanOrEqual(35);
      for (let i = 0; i < 40; i++) {
        await waitFor(() => releases.length === i + 1, 5000, `message ${i}`);
        releases[i]?.();
      }
      expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
    } finally {
      await stop();
    }
  });

  it('data that is not UTF-8: one error line, the message is terminated, the next one goes through', async () => {
    const { subject, props } = setup();
    const { ctx, starts, stop } = await listening(props);
    try {
      await consuming(ctx);
      const { connect } = await import('nats');
      const nc = await connect({ servers: '127.0.0.1:4222' });
      await nc.jetstream().publish(subject, new Uint8Array([0xff, 0xfe]));
      await nc.close();
      await stream.publish([{ subject, data: 'fine' }]);
      await waitFor(() => starts.length === 1, 5000, 'the good message');
      expect(starts[0]?.variables.data).toBe('fine');
      const errors = ctx.logs.filter((l) => l.level === 'ERROR');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/^message \d+ on subject '.*' skipped: its data is not UTF-8 text$/);
      expect(ctx.rejected).toEqual([errors[0]?.message]);
    } finally {
      await stop();
    }
  });

  it('a server that refuses the connection: warnings with a growing wait, no crash, no secret in any line', async () => {
    const ctx = createTriggerContext();
    const stop = await natsRealtime.listen(
      ctx,
      { url: 'nats://admin:url-s3cret@127.0.0.1:1', subject: 'never', token: 'tok-s3cret', creds: undefined },
      async () => {},
    );
    await waitFor(() => ctx.logs.filter((l) => l.level === 'WARN').length >= 3, 10_000, 'three failed attempts');
    await stop();
    const warnings = ctx.logs.filter((l) => l.level === 'WARN').map((l) => l.message);
    expect(warnings[0]).toMatch(/^cannot consume from NATS server 127\.0\.0\.1:1: .*; retrying in 500 ms$/);
    expect(warnings[1]).toMatch(/retrying in 1000 ms$/);
    expect(warnings[2]).toMatch(/retrying in 2000 ms$/);
    expect(JSON.stringify(ctx.logs)).not.toMatch(/s3cret/);
  });

  it('no stream captures the subject: a warning naming it, and retries', async () => {
    const ctx = createTriggerContext();
    const stop = await natsRealtime.listen(ctx, { url: 'nats://127.0.0.1:4222', subject: 'mqtt_nats_nostream.x' }, async () => {});
    await waitFor(() => ctx.logs.filter((l) => l.level === 'WARN').length >= 2, 10_000, 'two attempts');
    await stop();
    expect(ctx.logs[0]?.message).toMatch(/^cannot consume from NATS server 127\.0\.0\.1:4222: .*no stream matches subject.*; retrying in 500 ms$/);
  });

  it("stops when the host's signal fires", async () => {
    const { subject, props } = setup();
    const ctx = createTriggerContext();
    const starts: Start[] = [];
    await natsRealtime.listen(ctx, props, async (start) => {
      starts.push(start as Start);
    });
    await consuming(ctx);
    ctx.abort();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stream.publish([{ subject, data: 'after stop' }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(starts).toHaveLength(0);
  });

  it('names its default durable consumer after the flow and the trigger', async () => {
    const { subject } = setup();
    const ctx = createTriggerContext({ ids: { namespace: 'company.team', flowId: `f_${stream.prefix}`, triggerId: 'orders' } });
    const stop = await natsRealtime.listen(ctx, { url: 'nats://127.0.0.1:4222', subject }, async () => {});
    try {
      await consuming(ctx);
      expect(await stream.consumerState(`sluice_company_team_f_${stream.prefix}_orders`)).toMatchObject({ ackPending: 0 });
    } finally {
      await stop();
    }
  });
});

describe('NATS RealtimeTrigger: check at save', () => {
  const base = { url: 'nats://127.0.0.1:4222', subject: 's' };
  it("accepts Kestra's props and templates", () => {
    expect(natsRealtime.check?.(base)).toEqual([]);
    expect(natsRealtime.check?.({ ...base, url: "{{ secret('NATS_URL') }}", since: '2024-07-01T00:00:00Z' })).toEqual([]);
  });
  it('refuses another scheme, ByStartSequence, ByStartTime without since, since with another policy or not a date', () => {
    expect(natsRealtime.check?.({ ...base, url: 'http://127.0.0.1:4222' })).toEqual([
      { path: ['url'], message: "invalid NATS url: unknown scheme 'http'; use nats:// or tls://" },
    ]);
    expect(natsRealtime.check?.({ ...base, deliverPolicy: 'ByStartSequence' })[0]?.path).toEqual(['deliverPolicy']);
    expect(natsRealtime.check?.({ ...base, deliverPolicy: 'ByStartTime' })[0]?.path).toEqual(['since']);
    expect(natsRealtime.check?.({ ...base, deliverPolicy: 'New', since: '2024-07-01T00:00:00Z' })[0]?.path).toEqual(['since']);
    expect(natsRealtime.check?.({ ...base, since: 'yesterday' })[0]?.path).toEqual(['since']);
  });
});
