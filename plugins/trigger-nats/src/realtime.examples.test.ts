import { afterAll, describe, expect, it } from 'vitest';
import { createTriggerContext, subsetDifferences } from '@sluice/plugin-testing';
// The same stand-in for the host's save-time check as the MQTT triggers' examples use.
import { exampleProps, renderLog } from '../../trigger-mqtt/test/examples.js';
import { createTestStream, waitFor, type TestStream } from '../test/server.js';
import { natsRealtime, natsRealtimeCases, type NatsRealtimeProps } from './index.js';

// Each example gets a stream of its own, so `sequence: 1` and "from the start" hold.
const streams: TestStream[] = [];
afterAll(() => Promise.all(streams.map((s) => s.drop())));
let stream: TestStream;

const unprefix = (subject: unknown) => String(subject).slice(stream.prefix.length + 1);

describe('NATS RealtimeTrigger examples', () => {
  it("cover Kestra's example and a wildcard subject with headers", () => {
    expect(natsRealtime.examples).toHaveLength(2);
  });

  it.each(natsRealtimeCases.map((c) => [c.example.title, c] as const))('%s: valid at save, and the published message gives the expected trigger.* and log', async (_title, c) => {
    stream = await createTestStream();
    streams.push(stream);
    const ctx = createTriggerContext({ secrets: { NATS_PASSWORD: 'example-password' } });
    const { props, problems } = exampleProps(c.example, natsRealtime, ctx);
    expect(problems).toEqual([]);
    const rewritten = {
      ...props,
      subject: `${stream.prefix}.${String(props.subject)}`,
      ...(props.durableId === undefined ? {} : { durableId: `${stream.prefix}_${String(props.durableId)}` }),
    } as NatsRealtimeProps;
    const starts: Record<string, unknown>[] = [];
    const stop = await natsRealtime.listen(ctx, rewritten, async (start) => {
      starts.push(start.variables as Record<string, unknown>);
    });
    try {
      await waitFor(() => ctx.logs.some((l) => l.message.startsWith('consuming')), 5000, 'the consumer');
      await stream.publish(c.publish.map((m) => ({ ...m, subject: `${stream.prefix}.${m.subject}` })));
      await waitFor(() => starts.length === c.publish.length, 5000, 'the starts');
    } finally {
      await stop();
    }
    const variables = { ...starts[0], subject: unprefix(starts[0]?.subject) };
    expect(subsetDifferences(c.example.expect?.triggerVariables, variables, 'trigger')).toEqual([]);
    expect(renderLog(c.example, ctx, variables)).toBe(c.example.expect?.logs?.[0]?.message);
  });
});
