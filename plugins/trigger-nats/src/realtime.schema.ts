import { Type, type Static } from '@sluice/core';
import { natsConnectionProps } from './shared.schema.js';

/** Props of `io.kestra.plugin.nats.RealtimeTrigger` (the envelope `id`, `type`, `disabled`, ... is the host's). */
export const NatsRealtimeProps = Type.Object({ ...natsConnectionProps }, { additionalProperties: false });
/** Props of the realtime trigger, as `listen` gets them. */
export type NatsRealtimeProps = Static<typeof NatsRealtimeProps>;

/** One message's fields: `trigger.*` of a realtime execution, and each item of a batch's `trigger.messages`. */
export const natsMessageFields = {
  subject: Type.String({ description: 'The subject the message was published to.' }),
  headers: Type.Record(Type.String(), Type.Array(Type.String()), { description: 'The headers, each name with its list of values.' }),
  data: Type.String({ description: 'The data, as UTF-8 text.' }),
  timestamp: Type.String({ description: 'When the stream stored the message, ISO-8601 in UTC.' }),
  sequence: Type.Integer({ description: "The message's sequence in its stream: its identity, with `stream`." }),
  stream: Type.String({ description: 'The JetStream stream the message is in.' }),
} as const;

/** `trigger.*` of an execution started by one JetStream message. */
export const NatsMessageVariables = Type.Object(natsMessageFields, { description: 'The message that started the execution.' });
