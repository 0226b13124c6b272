import { redactSecrets, type TriggerContext } from '@sluice/core';
import type { JetStreamManager, JsMsg, NatsConnection } from 'nats';
import { backoffMs, sleep } from './backoff.js';
import { natsErrors } from './errors.js';
import { loadNats } from './nats-module.js';
import { consumerConfig, consumerName, type NatsProps, type ResolvedNats } from './options.js';

/** How long one pull request waits for messages before the client makes the next. */
const PULL_EXPIRES_MS = 5000;
/** How long JetStream holds a message handed back on stop before redelivering it. */
const HANDBACK_DELAY_MS = 1000;

/** What the consumer does with one message; it acknowledges (or not) the message itself. */
export type JsMessageHandler = (message: JsMsg) => Promise<void>;

/** A running consumer, until {@link RunningConsumer.close}. */
export interface RunningConsumer {
  /** Stops fetching and closes the connection; what was not acknowledged is redelivered later. */
  close(): Promise<void>;
}

/** Creates the durable consumer, or points an existing one at the (possibly changed) subject. */
async function ensureConsumer(jsm: JetStreamManager, stream: string, props: NatsProps, name: string): Promise<void> {
  const wanted = consumerConfig(props, name);
  const existing = await jsm.consumers.info(stream, name).catch(() => undefined);
  if (existing === undefined) await jsm.consumers.add(stream, wanted);
  else if (existing.config.filter_subject !== wanted.filter_subject || existing.config.max_ack_pending !== wanted.max_ack_pending) {
    await jsm.consumers.update(stream, name, { filter_subject: wanted.filter_subject, max_ack_pending: wanted.max_ack_pending });
  }
}

/**
 * Connects, finds the stream capturing `props.subject`, makes sure the durable consumer exists,
 * and hands each message to `handle`, one at a time. At most `batchSize` messages are fetched
 * ahead, and JetStream delivers no more than `batchSize` unacknowledged ones: a slow handler
 * slows the consumer, memory does not grow.
 *
 * A server that is down at start, a missing stream, or a consumer that goes away: one warning,
 * then a new try after a growing wait. Once connected, nats.js reconnects by itself; each
 * disconnect and reconnect is logged. Never throws.
 */
export function startConsumer(ctx: TriggerContext, props: NatsProps, resolved: ResolvedNats, handle: JsMessageHandler): RunningConsumer {
  const stopper = new AbortController();
  const name = consumerName(props, ctx.ids);
  let connection: NatsConnection | undefined;
  let current: JsMsg | undefined;

  const watchStatus = async (nc: NatsConnection) => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') ctx.logger.warn(`disconnected from NATS server ${resolved.display}; reconnecting`);
      else if (status.type === 'reconnect') ctx.logger.info(`reconnected to NATS server ${resolved.display}`);
      else if (status.type === 'error') ctx.logger.warn(`NATS server ${resolved.display}: ${redactSecrets(String(status.data), resolved.secrets)}`);
    }
  };

  const runOnce = async (): Promise<boolean> => {
    const nc = await (await loadNats()).connect(resolved.options);
    connection = nc;
    if (stopper.signal.aborted) return false;
    void watchStatus(nc);
    const jsm = await nc.jetstreamManager();
    const stream = await jsm.streams.find(props.subject);
    await ensureConsumer(jsm, stream, props, name);
    const consumer = await nc.jetstream().consumers.get(stream, name);
    // A pull request outlives the connection that made it until it expires, and the server may
    // hand a message to it after a stop: a short expiry keeps that window small.
    const messages = await consumer.consume({ max_messages: props.batchSize ?? 10, expires: PULL_EXPIRES_MS });
    stopper.signal.addEventListener('abort', () => void messages.close(), { once: true });
    ctx.logger.info(`consuming '${props.subject}' from stream ${stream} on NATS server ${resolved.display} as consumer ${name}`);
    for await (const message of messages) {
      if (stopper.signal.aborted) break;
      current = message;
      await handle(message);
      current = undefined;
    }
    return true;
  };

  const loop = async () => {
    let attempt = 0;
    while (!stopper.signal.aborted) {
      let consumed = false;
      try {
        consumed = await runOnce();
      } catch (error) {
        if (stopper.signal.aborted) break;
        attempt += 1;
        const cause = redactSecrets(error instanceof Error ? error.message : String(error), resolved.secrets);
        ctx.logger.warn(natsErrors.NATS_CONNECTION_FAILED(resolved.display, cause, backoffMs(attempt)).message);
      } finally {
        await connection?.close().catch(() => undefined);
        connection = undefined;
      }
      if (consumed) attempt = 0;
      if (!stopper.signal.aborted) await sleep(consumed ? backoffMs(1) : backoffMs(attempt), stopper.signal);
    }
  };
  const done = loop();

  return {
    async close() {
      // A message whose execution is still being stored is handed back, to be redelivered a
      // second later (once this connection is closed, so not to it), rather than after the
      // acknowledgement wait; if its emit resolves after all, its key dedups it. Messages
      // fetched ahead and not yet handled come back after the acknowledgement wait (10 s).
      const handback = current;
      const nc = connection;
      if (handback !== undefined && nc !== undefined && !nc.isClosed()) {
        try {
          handback.nak(HANDBACK_DELAY_MS);
          await Promise.race([nc.flush(), sleep(1000, new AbortController().signal)]);
        } catch {
          // The connection is already gone: JetStream redelivers after the wait.
        }
      }
      stopper.abort();
      await connection?.close().catch(() => undefined);
      // A handler waiting on an emit that never resolves must not hold the stop: bounded wait.
      await Promise.race([done, sleep(2000, new AbortController().signal)]);
    },
  };
}
