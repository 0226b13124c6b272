import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { redactSecrets, type PluginLogger, type StartDecision } from '@sluice/core';
import type { AmqpMessageVariables } from './amqp.schema.js';
import { retryDelayMs } from './backoff.js';
import type { AmqpTarget } from './connection.js';
import { loadAmqp } from './amqp-module.js';
import { amqpErrors } from './errors.js';
import { decodeMessage, type SerdeType } from './message.js';

/** What one consumer needs: where, what, and how to hand a message on. */
export interface ConsumerOptions {
  readonly target: AmqpTarget;
  readonly queue: string;
  readonly consumerTag: string;
  /** The connection's name in the broker's tools (`rabbitmqctl list_connections user_provided_name`). */
  readonly connectionName: string;
  readonly prefetch: number;
  readonly serde: SerdeType;
  readonly logger: PluginLogger;
  /** The host's `ctx.reject`: a message that does not decode is reported (logged and counted) through it. */
  readonly reject: (reason: string) => void;
  readonly emit: (start: StartDecision<AmqpMessageVariables>) => Promise<void>;
}

/** How long `stop` waits for executions being stored before it closes the connection anyway. */
const DRAIN_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;
const HEARTBEAT_S = 15;

/** One connection attempt and what hangs on it; a dead session is never reused. */
interface Session {
  connection?: ChannelModel;
  channel?: Channel;
  dead: boolean;
}

/**
 * Consumes `queue` until stopped, over a connection it re-opens by itself: a broker that is down
 * at start or goes away is retried with backoff, each failure one error line, never a throw.
 * Each message is acknowledged only once `emit` resolved (its execution is stored); an `emit`
 * that rejects sends the message back to the queue after a backoff, and the channel's prefetch
 * bounds how many messages wait at once. Returns the function that stops it.
 */
export function startConsumer(options: ConsumerOptions): () => Promise<void> {
  const { target, queue, logger } = options;
  const clean = (error: unknown) => redactSecrets(error instanceof Error ? error.message : String(error), target.secrets);
  const timers = new Set<NodeJS.Timeout>();
  const emitting = new Set<Promise<void>>();
  let session: Session | undefined;
  let stopping = false;
  let connectFailures = 0;
  let emitFailures = 0;

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  // Ends a session once, whatever reported it first (a failed step, an 'error', a 'close'), and
  // schedules the next attempt. Closing the connection sends its unacknowledged messages back.
  const fail = (current: Session, error: unknown) => {
    if (current.dead) return;
    current.dead = true;
    current.connection?.close().catch(() => undefined);
    if (stopping) return;
    connectFailures += 1;
    const wait = retryDelayMs(connectFailures);
    logger.error(amqpErrors.AMQP_CONNECTION_FAILED(target.display, clean(error), wait).message);
    later(wait, connect);
  };

  // An ack or nack on a channel that is closing throws; the broker requeues the message anyway.
  const onChannel = (current: Session, act: (channel: Channel) => void) => {
    if (current.dead || current.channel === undefined) return;
    try {
      act(current.channel);
    } catch (error) {
      logger.debug(`could not settle a message of queue '${queue}': ${clean(error)}; the broker delivers it again`);
    }
  };

  const settle = (current: Session, message: ConsumeMessage, start: StartDecision<AmqpMessageVariables>) => {
    // Through a promise, so an emit that throws at once is handled as one that rejects.
    const done = Promise.resolve(start).then(options.emit).then(
      () => {
        emitFailures = 0;
        // On a closed channel the broker has requeued the message already; the key of the start
        // makes its redelivery find this execution when the publisher set a message id.
        onChannel(current, (channel) => channel.ack(message));
      },
      (error: unknown) => {
        emitFailures += 1;
        const wait = retryDelayMs(emitFailures);
        logger.error(amqpErrors.AMQP_EMIT_FAILED(queue, clean(error), wait).message);
        // Held until then, the message still counts against the prefetch: the queue slows down.
        later(wait, () => onChannel(current, (channel) => channel.nack(message, false, true)));
      },
    );
    emitting.add(done);
    void done.finally(() => emitting.delete(done));
  };

  const onMessage = (current: Session) => (message: ConsumeMessage | null) => {
    if (current.dead || current.channel === undefined) return;
    if (message === null) {
      fail(current, new Error(`the broker cancelled the consumer of queue '${queue}' (was it deleted?)`));
      return;
    }
    const decoded = decodeMessage(message, options.serde);
    if (!decoded.ok) {
      options.reject(amqpErrors.AMQP_DECODE_FAILED(queue, options.serde, decoded.reason, message.properties.messageId as string | undefined).message);
      // Requeueing would bring it back forever; the queue's dead-letter exchange, if any, keeps it.
      onChannel(current, (channel) => channel.nack(message, false, false));
      return;
    }
    settle(current, message, decoded.start);
  };

  const connect = () => {
    if (stopping) return;
    const current: Session = { dead: false };
    session = current;
    void (async () => {
      try {
        const amqp = await loadAmqp();
        const connection = await amqp.connect(
          { ...target.connect, heartbeat: HEARTBEAT_S },
          { timeout: CONNECT_TIMEOUT_MS, clientProperties: { connection_name: options.connectionName } },
        );
        current.connection = connection;
        connection.on('error', (error: unknown) => fail(current, error));
        connection.on('close', () => fail(current, new Error('the connection closed')));
        if (current.dead || stopping) {
          await connection.close();
          return;
        }
        const channel = await connection.createChannel();
        current.channel = channel;
        channel.on('error', (error: unknown) => fail(current, error));
        channel.on('close', () => fail(current, new Error('the channel closed')));
        await channel.prefetch(options.prefetch);
        await channel.consume(queue, onMessage(current), { noAck: false, consumerTag: options.consumerTag });
        connectFailures = 0;
        logger.info(`consuming queue '${queue}' on ${target.display} (prefetch ${options.prefetch})`);
      } catch (error) {
        fail(current, error);
      }
    })();
  };

  connect();

  return async () => {
    if (stopping) return;
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const current = session;
    if (current === undefined || current.dead) return;
    // No new deliveries; let the executions being stored finish so their messages are acknowledged.
    // Through a promise: on a channel already closing, amqplib throws at once.
    await Promise.resolve(current.channel)
      .then((channel) => channel?.cancel(options.consumerTag))
      .catch(() => undefined);
    await Promise.race([Promise.allSettled([...emitting]), new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
    current.dead = true;
    await current.connection?.close().catch(() => undefined);
  };
}
