import { defineTrigger, redactSecrets, type TriggerContext } from '@sluice/core';
import type { IPublishPacket } from 'mqtt';
import { checkConnection } from './check.js';
import { mqttErrors } from './errors.js';
import { messageVariables, type MqttMessage } from './message.js';
import { resolveConnection, topicList } from './options.js';
import { MqttMessageVariables, MqttRealtimeProps } from './realtime.schema.js';
import { mqttRealtimeExamples } from './realtime.examples.js';
import { decodePayload } from './serde.js';
import { openLiveSession, type MessageHandler } from './session.js';
import { loadMqtt } from './mqtt-client.js';

/**
 * What one message does: decoded as `serdeType`, started through `emit`, acknowledged once its
 * execution is stored. A payload that does not decode is acknowledged and skipped (one error
 * line): redelivering it could never succeed and would block the messages behind it.
 */
export function messageHandler(
  ctx: TriggerContext,
  props: MqttRealtimeProps,
  emit: (start: { kind: 'start'; variables: MqttMessage }) => Promise<void>,
  secrets: readonly string[],
): MessageHandler {
  const serdeType = props.serdeType ?? 'JSON';
  return async (packet: IPublishPacket) => {
    const decoded = decodePayload(packet.payload as Uint8Array, serdeType);
    if (!decoded.ok) {
      ctx.reject(mqttErrors.MQTT_DECODE_FAILED(packet.topic, serdeType, decoded.reason).message);
      return true;
    }
    try {
      // MQTT has no global message id (a packet id is reused once acknowledged), so the start
      // has no `key`: a message redelivered after a crash starts a second execution.
      await emit({ kind: 'start', variables: messageVariables(packet, decoded.value) });
      return true;
    } catch (error) {
      const reason = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
      ctx.logger.error(mqttErrors.MQTT_EMIT_FAILED(packet.topic, reason).message);
      return false;
    }
  };
}

/**
 * `io.kestra.plugin.mqtt.RealtimeTrigger`: starts one execution per MQTT message.
 * @public
 */
export const mqttRealtime = defineTrigger({
  mode: 'listen',
  type: 'io.kestra.plugin.mqtt.RealtimeTrigger',
  title: 'Start a flow for each MQTT message',
  description:
    'Subscribes to one or more MQTT topics and starts one execution per message, with the message as `trigger.*` ' +
    '(`topic`, `payload`, `qos`, `retain`, and MQTT 5 `properties`, `responseTopic`, `correlationData`). ' +
    'A QoS 1 or 2 message is acknowledged to the broker only once its execution is stored, in a persistent session named by `clientId`, ' +
    'so a message in flight when Sluice stops is redelivered when it is back (at least once: such a message may start two executions, since MQTT has no message id to tell them apart). ' +
    'Messages are handled one at a time; while an execution is being stored the broker keeps the rest. ' +
    'A broker that is down or goes away is retried with a growing backoff.',
  props: MqttRealtimeProps,
  variables: MqttMessageVariables,
  examples: mqttRealtimeExamples,
  check: checkConnection,
  async listen(ctx, props, emit) {
    const connection = resolveConnection(props);
    const session = openLiveSession(
      ctx,
      connection,
      { topics: topicList(props.topic), qos: props.qos ?? 1 },
      messageHandler(ctx, props, emit, connection.secrets),
      await loadMqtt(),
    );
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= session.close());
    if (ctx.signal.aborted) await stop();
    else ctx.signal.addEventListener('abort', () => void stop(), { once: true });
    return stop;
  },
});
