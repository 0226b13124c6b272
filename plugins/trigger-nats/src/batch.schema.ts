import { DURATION_PATTERN, Type, type Static } from '@sluice/core';
import { natsMessageFields } from './realtime.schema.js';
import { natsConnectionProps } from './shared.schema.js';

const { durableId: _durableId, ...connection } = natsConnectionProps;
const duration = (defaultValue: string | undefined, description: string) =>
  Type.Optional(Type.String({ pattern: DURATION_PATTERN, ...(defaultValue === undefined ? {} : { default: defaultValue }), description }));

/**
 * Props of `io.kestra.plugin.nats.Trigger`. Kestra's `durableId` is left out (and so refused at
 * save): the trigger's stored cursor, the last stream sequence it started an execution for,
 * plays the durable consumer's part, and is stored with the execution.
 */
export const NatsBatchProps = Type.Object(
  {
    ...connection,
    interval: duration('PT60S', 'Time between two polls, an ISO-8601 duration (default `PT60S`, at least `PT1S`).'),
    pollDuration: duration('PT2S', 'How long one fetch waits for messages; a fetch that gets none ends the poll (default `PT2S`).'),
    maxRecords: Type.Optional(Type.Integer({ minimum: 1, description: 'A poll stops once it has this many messages.' })),
    maxDuration: duration(undefined, 'A poll stops fetching after this long; never later than `interval`.'),
  },
  { additionalProperties: false },
);
/** Props of the batch trigger, as `poll` gets them. */
export type NatsBatchProps = Static<typeof NatsBatchProps>;

/** `trigger.*` of an execution started by a batch of JetStream messages. */
export const NatsBatchVariables = Type.Object(
  {
    messagesCount: Type.Integer({ description: 'How many messages the poll fetched (at least 1: an empty poll starts nothing).' }),
    messages: Type.Array(Type.Object(natsMessageFields), {
      description: 'The messages, in stream order. Kestra writes them to a file at `trigger.uri`; Sluice has no file storage yet and gives them inline.',
    }),
  },
  { description: 'The messages one poll fetched.' },
);

/** The cursor the host stores with each batch's execution: where the next poll starts. */
export interface NatsCursor {
  readonly stream: string;
  readonly lastSequence: number;
}
