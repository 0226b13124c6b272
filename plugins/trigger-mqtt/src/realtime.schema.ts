import { Type, type Static } from '@sluice/core';
import { mqttConnectionProps } from './shared.schema.js';

/** Props of `io.kestra.plugin.mqtt.RealtimeTrigger` (the envelope `id`, `type`, `disabled`, ... is the host's). */
export const MqttRealtimeProps = Type.Object({ ...mqttConnectionProps }, { additionalProperties: false });
/** Props of the realtime trigger, as `listen` gets them. */
export type MqttRealtimeProps = Static<typeof MqttRealtimeProps>;

/** One message's fields: `trigger.*` of a realtime execution, and each item of a batch's `trigger.messages`. */
export const messageFields = {
  id: Type.Integer({
    description:
      "The packet id the broker gave the message (0 for QoS 0). It is unique only among the session's unacknowledged messages: MQTT has no global message id.",
  }),
  topic: Type.String({ description: 'The topic the message was published to.' }),
  qos: Type.Integer({ description: 'The QoS it was delivered with: 0, 1 or 2.' }),
  payload: Type.Unknown({ description: 'The payload, decoded as `serdeType` says: parsed JSON, text, or Base64 for `BYTES`.' }),
  retain: Type.Boolean({ description: 'Whether it is a retained message the broker replayed on subscription.' }),
  properties: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: "MQTT 5 only: the message's `contentType`, `payloadFormatIndicator`, `messageExpiryInterval` and `userProperties`, when set.",
    }),
  ),
  responseTopic: Type.Optional(Type.String({ description: 'MQTT 5 only: the response topic, when set.' })),
  correlationData: Type.Optional(Type.String({ description: 'MQTT 5 only: the correlation data in Base64, when set.' })),
} as const;

/** `trigger.*` of an execution started by one MQTT message. */
export const MqttMessageVariables = Type.Object(messageFields, { description: 'The message that started the execution.' });
