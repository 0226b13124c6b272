import { DURATION_PATTERN, Type, type Static } from '@sluice/core';
import { messageFields } from './realtime.schema.js';
import { mqttConnectionProps } from './shared.schema.js';

/** Props of `io.kestra.plugin.mqtt.Trigger` (the envelope `id`, `type`, `disabled`, ... is the host's). */
export const MqttBatchProps = Type.Object(
  {
    ...mqttConnectionProps,
    interval: Type.Optional(
      Type.String({
        pattern: DURATION_PATTERN,
        default: 'PT60S',
        description: 'Time between two polls, an ISO-8601 duration (default `PT60S`, at least `PT1S`).',
      }),
    ),
    maxRecords: Type.Optional(Type.Integer({ minimum: 1, description: 'A poll stops collecting once it has this many messages.' })),
    maxDuration: Type.Optional(
      Type.String({
        pattern: DURATION_PATTERN,
        description: 'A poll stops collecting after this long, an ISO-8601 duration. At most `interval`; without it a poll collects for `interval` at most.',
      }),
    ),
  },
  { additionalProperties: false },
);
/** Props of the batch trigger, as `poll` gets them. */
export type MqttBatchProps = Static<typeof MqttBatchProps>;

/** `trigger.*` of an execution started by a batch of MQTT messages. */
export const MqttBatchVariables = Type.Object(
  {
    messagesCount: Type.Integer({ description: 'How many messages the poll collected (at least 1: an empty poll starts nothing).' }),
    messages: Type.Array(Type.Object(messageFields), {
      description: "The messages, in the order received. Kestra writes them to a file at `trigger.uri`; Sluice has no file storage yet and gives them inline.",
    }),
  },
  { description: 'The messages one poll collected.' },
);
