import { defineTrigger, parseDuration, redactSecrets, type PropsProblem, type TriggerContext } from '@sluice/core';
import type { ConsumerConfig } from 'nats';
import { NatsBatchProps, NatsBatchVariables, type NatsCursor } from './batch.schema.js';
import { natsBatchExamples } from './batch.examples.js';
import { checkNats } from './check.js';
import { natsErrors } from './errors.js';
import { messageVariables, type NatsMessage } from './message.js';
import { ackPolicy, deliverPolicy, loadNats } from './nats-module.js';
import { resolveNats, startPolicy } from './options.js';

/** The shortest `interval`. */
export const MIN_INTERVAL_MS = 1000;

function isCursor(value: unknown): value is NatsCursor {
  return typeof value === 'object' && value !== null && typeof (value as NatsCursor).stream === 'string' && typeof (value as NatsCursor).lastSequence === 'number';
}

/**
 * Where this poll's consumer starts: right after the cursor when there is one for this stream,
 * else where `deliverPolicy` says.
 */
export function startOptions(props: NatsBatchProps, stream: string, cursor: unknown): Partial<ConsumerConfig> {
  if (isCursor(cursor) && cursor.stream === stream) return { deliver_policy: deliverPolicy('StartSequence'), opt_start_seq: cursor.lastSequence + 1 };
  return startPolicy(props);
}

/** How long one poll fetches: `maxDuration`, never more than `interval`. */
export function fetchWindowMs(props: NatsBatchProps): number {
  const interval = parseDuration(props.interval ?? 'PT60S');
  return props.maxDuration === undefined ? interval : Math.min(interval, parseDuration(props.maxDuration));
}

function checkBatch(props: NatsBatchProps): PropsProblem[] {
  const problems = checkNats(props);
  if (parseDuration(props.interval ?? 'PT60S') < MIN_INTERVAL_MS) problems.push({ path: ['interval'], message: 'interval must be at least PT1S' });
  return problems;
}

/** An ephemeral consumer the server removes by itself if a poll dies before deleting it. */
const INACTIVE_THRESHOLD_NS = 60_000 * 1_000_000;
/** How long past its fetch window a poll may take before its connection is closed under it. */
const POLL_GRACE_MS = 5000;

/**
 * Reads the stream from the cursor on with an ephemeral consumer (nothing to acknowledge: the
 * cursor is the position), until `maxRecords`, the fetch window, or a fetch that gets nothing.
 */
async function fetchBatch(ctx: TriggerContext, props: NatsBatchProps, cursor: unknown): Promise<{ messages: NatsMessage[]; cursor: NatsCursor }> {
  const nats = await loadNats();
  const resolved = resolveNats(props, nats);
  const fail = (error: unknown) => natsErrors.NATS_CONNECTION_FAILED(resolved.display, redactSecrets(error instanceof Error ? error.message : String(error), resolved.secrets), 0);
  const nc = await nats.connect(resolved.options).catch((error: unknown) => {
    throw fail(error);
  });
  let guard: ReturnType<typeof setTimeout> | undefined;
  try {
    const jsm = await nc.jetstreamManager();
    const stream = await jsm.streams.find(props.subject);
    // Read before the consumer starts: with `New` and no message, the next poll starts here.
    const lastBefore = (await jsm.streams.info(stream)).state.last_seq;
    const created = await jsm.consumers.add(stream, {
      ack_policy: ackPolicy('None'),
      filter_subject: props.subject,
      inactive_threshold: INACTIVE_THRESHOLD_NS,
      ...startOptions(props, stream, cursor),
    });
    const consumer = await nc.jetstream().consumers.get(stream, created.name);
    const deadline = Date.now() + fetchWindowMs(props);
    // nats.js can leave a fetch waiting forever on some server errors: closing ends it.
    guard = setTimeout(() => void nc.close(), fetchWindowMs(props) + POLL_GRACE_MS);
    const pollMs = parseDuration(props.pollDuration ?? 'PT2S');
    const max = props.maxRecords ?? Number.POSITIVE_INFINITY;
    const messages: NatsMessage[] = [];
    let last = isCursor(cursor) && cursor.stream === stream ? cursor.lastSequence : lastBefore;
    while (messages.length < max && Date.now() < deadline && !ctx.signal.aborted) {
      const want = Math.min(max - messages.length, props.batchSize ?? 10);
      const batch = await consumer.fetch({ max_messages: want, expires: Math.max(1000, Math.min(pollMs, deadline - Date.now())) });
      let got = 0;
      for await (const message of batch) {
        got += 1;
        last = message.info.streamSequence;
        const variables = messageVariables(message);
        if (variables === undefined) ctx.reject(natsErrors.NATS_DECODE_FAILED(message.subject, message.info.streamSequence).message);
        else messages.push(variables);
      }
      if (got === 0) break;
    }
    await jsm.consumers.delete(stream, created.name).catch(() => undefined);
    return { messages, cursor: { stream, lastSequence: last } };
  } catch (error) {
    throw fail(error);
  } finally {
    clearTimeout(guard);
    await nc.close().catch(() => undefined);
  }
}

/**
 * `io.kestra.plugin.nats.Trigger`: every `interval`, starts one execution with the JetStream
 * messages stored since the last poll.
 * @public
 */
export const natsBatch = defineTrigger({
  mode: 'poll',
  type: 'io.kestra.plugin.nats.Trigger',
  aliases: ['io.kestra.plugin.nats.core.Trigger'],
  title: 'Start a flow with a batch of NATS JetStream messages',
  description:
    'Every `interval`, reads the messages stored on `subject` since the last poll (up to `maxRecords`, for at most `maxDuration`) and starts one execution with them as ' +
    '`trigger.messages` and `trigger.messagesCount`. A poll that finds nothing starts nothing. The position in the stream is the trigger\'s cursor, which the host ' +
    'stores with the execution: a batch is neither lost nor started twice, whatever stops in between, and there is no consumer to acknowledge.',
  props: NatsBatchProps,
  variables: NatsBatchVariables,
  examples: natsBatchExamples,
  check: checkBatch,
  interval: (props) => parseDuration(props.interval ?? 'PT60S'),
  async poll(ctx, props, cursor) {
    const batch = await fetchBatch(ctx, props, cursor);
    const { messages } = batch;
    const first = messages[0];
    const last = messages.at(-1);
    if (first === undefined || last === undefined) return { starts: [], cursor: batch.cursor };
    return {
      starts: [{ kind: 'start', key: `${first.stream}:${first.sequence}-${last.sequence}`, variables: { messagesCount: messages.length, messages } }],
      cursor: batch.cursor,
    };
  },
});
