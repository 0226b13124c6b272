import { redactSecrets, type TriggerContext } from '@sluice/core';
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { MqttModule } from './mqtt-client.js';
import { backoffMs } from './backoff.js';
import { mqttErrors } from './errors.js';
import type { ResolvedConnection } from './options.js';

/** What a session does with one message: resolve `true` to acknowledge it, `false` to have the broker redeliver it. */
export type MessageHandler = (packet: IPublishPacket) => Promise<boolean>;

/** A subscription kept alive until {@link LiveSession.close}. */
export interface LiveSession {
  /** Closes the connection; what was not acknowledged stays in the broker's session. */
  close(): Promise<void>;
}

/** What {@link openLiveSession} subscribes to. */
export interface SubscriptionSpec {
  readonly topics: readonly string[];
  readonly qos: 0 | 1 | 2;
}

/**
 * Connects, subscribes, and hands each message to `handle`, one at a time, acknowledging it
 * (PUBACK for QoS 1, PUBREC for QoS 2) only once `handle` resolved `true`. MQTT.js reads the
 * next packet only after the current one is acknowledged, so a slow handler slows the socket
 * down and the broker keeps the rest: nothing piles up in memory.
 *
 * When `handle` says `false` (the execution could not be stored), the connection is dropped:
 * the broker redelivers unacknowledged messages of a persistent session when the client comes
 * back, and acknowledging later messages first would break MQTT's in-order acknowledgements.
 *
 * A broker that is down or goes away is retried with a growing backoff; every failure is one
 * warning through `ctx.logger`, with the password redacted. Never throws after it returns.
 */
export function openLiveSession(ctx: TriggerContext, connection: ResolvedConnection, spec: SubscriptionSpec, handle: MessageHandler, mqtt: MqttModule): LiveSession {
  const { address, options, secrets } = connection;
  const v5 = options.protocolVersion === 5;
  let closed = false;
  let attempts = 0;
  let generation = 0;
  let firstConnect = true;
  let lastError: string | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const deliver = (client: MqttClient, packet: IPublishPacket, ack: () => void): void => {
    const mine = generation;
    handle(packet).then(
      (ok) => settle(client, packet, mine, ok, ack),
      () => settle(client, packet, mine, false, ack),
    );
  };
  const settle = (client: MqttClient, packet: IPublishPacket, mine: number, ok: boolean, ack: () => void): void => {
    // The connection that delivered it is gone: the broker redelivers it on the new one.
    if (closed || mine !== generation) return;
    if (ok || packet.qos === 0) ack();
    else client.stream.destroy();
  };

  const client = mqtt.connect({
    ...options,
    // MQTT.js asks this only for MQTT 5; QoS 2 is refused with MQTT 3 at save (check.ts).
    customHandleAcks: (_topic, _message, packet, done) => {
      if (packet.qos === 2) deliver(client, packet, () => done(0));
      else done(0);
    },
  });
  // Called for QoS 0 and 1 before MQTT.js sends the PUBACK, and for QoS 2 once the broker
  // released a message already handled above.
  client.handleMessage = (packet, callback) => {
    if (packet.qos === 2) callback();
    else deliver(client, packet, () => callback());
  };

  client.on('connect', (connack) => {
    attempts = 0;
    generation += 1;
    lastError = undefined;
    ctx.logger.info(`connected to MQTT broker ${address.display} as ${options.clientId}${connack.sessionPresent ? ', resuming its session' : ''}`);
    // A resumed session keeps its subscriptions; subscribing again makes an MQTT 3 broker resend
    // retained messages, so MQTT 3 subscribes only on a new session or a new listener (whose
    // topics may have changed). MQTT 5 asks for retained messages only on a new subscription.
    if (!v5 && connack.sessionPresent && !firstConnect) return;
    firstConnect = false;
    client.subscribe([...spec.topics], { qos: spec.qos, ...(v5 ? { rh: 1 } : {}) }, (error, granted) => {
      if (error) ctx.logger.error(`cannot subscribe to ${spec.topics.join(', ')}: ${redactSecrets(error.message, secrets)}`);
      for (const grant of granted ?? []) {
        if (grant.qos === 128) ctx.logger.error(`the broker refused the subscription to '${grant.topic}'`);
      }
    });
  });
  client.on('error', (error) => {
    lastError = redactSecrets(error.message, secrets);
  });
  client.on('close', () => {
    if (closed) return;
    attempts += 1;
    const delay = backoffMs(attempts);
    ctx.logger.warn(mqttErrors.MQTT_CONNECTION_FAILED(address.display, lastError ?? 'connection closed', delay).message);
    lastError = undefined;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (!closed) client.reconnect();
    }, delay);
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        clearTimeout(retryTimer);
        // Forced: a handler still waiting must not hold the stop; its message is redelivered.
        client.end(true, {}, () => resolve());
      }),
  };
}
