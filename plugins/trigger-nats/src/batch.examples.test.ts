import { afterAll, describe, expect, it } from 'vitest';
import { createTriggerContext, subsetDifferences } from '@sluice/plugin-testing';
// The same stand-in for the host's save-time check as the MQTT triggers' examples use.
import { exampleProps, renderLog } from '../../trigger-mqtt/test/examples.js';
import { createTestStream, type TestStream } from '../test/server.js';
import { natsBatch, natsBatchCases, type NatsBatchProps } from './index.js';

const streams: TestStream[] = [];
afterAll(() => Promise.all(streams.map((s) => s.drop())));

describe('NATS Trigger examples', () => {
  it.each(natsBatchCases.map((c) => [c.example.title, c] as const))('%s: valid at save, and a poll after the messages gives the expected trigger.* and log', async (_title, c) => {
    const stream = await createTestStream();
    streams.push(stream);
    const ctx = createTriggerContext();
    const { props, problems } = exampleProps(c.example, natsBatch, ctx);
    expect(problems).toEqual([]);
    const strip = (subject: string) => subject.slice(stream.prefix.length + 1);
    await stream.publish(c.publish.map((m) => ({ ...m, subject: `${stream.prefix}.${m.subject}` })));
    const { starts } = await natsBatch.poll(ctx, { ...props, subject: `${stream.prefix}.${String(props.subject)}` } as NatsBatchProps, undefined);
    expect(starts).toHaveLength(1);
    const batch = starts[0]?.variables as { messages: { subject: string }[] };
    const variables = { ...batch, messages: batch.messages.map((m) => ({ ...m, subject: strip(m.subject) })) };
    expect(subsetDifferences(c.example.expect?.triggerVariables, variables, 'trigger')).toEqual([]);
    expect(renderLog(c.example, ctx, variables)).toBe(c.example.expect?.logs?.[0]?.message);
  });
});
