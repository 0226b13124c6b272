import { Dynamic, Type } from '@sluice/core';

/** JetStream's deliver policies, as Kestra spells them. */
export const DELIVER_POLICIES = ['All', 'Last', 'New', 'ByStartSequence', 'ByStartTime', 'LastPerSubject'] as const;

/** The props both NATS triggers share, as Kestra's `NatsConnectionInterface` and `SubscribeInterface` name them. */
export const natsConnectionProps = {
  url: Dynamic(
    Type.String({
      minLength: 1,
      description: 'The server URL: `nats://host:4222`, with a token (`nats://token@host:4222`) or a user (`nats://user:pass@host:4222`) if you like; `tls://` for TLS. Credentials are never logged.',
    }),
  ),
  username: Type.Optional(Dynamic(Type.String({ description: 'The user to connect as.' }))),
  password: Type.Optional(Dynamic(Type.String({ description: "The user's password, e.g. `{{ secret('NATS_PASSWORD') }}`. Never logged." }))),
  token: Type.Optional(Dynamic(Type.String({ description: 'A token to connect with. Never logged.' }))),
  creds: Type.Optional(Dynamic(Type.String({ description: 'The content of a `.creds` file (a user JWT and its NKey seed) to connect with. Never logged.' }))),
  subject: Dynamic(
    Type.String({ minLength: 1, description: 'The subject to consume, wildcards allowed (`orders.>`). A JetStream stream must capture it.' }),
  ),
  durableId: Type.Optional(
    Dynamic(
      Type.String({
        minLength: 1,
        pattern: '^[^.*>\\s]+$',
        description:
          'The name of the durable JetStream consumer that remembers what was acknowledged. Default: one named after the flow and the trigger (`sluice_<namespace>_<flowId>_<triggerId>`), ' +
          'so a restart goes on where it stopped (Kestra uses an ephemeral consumer then, which re-reads from `deliverPolicy` at every start).',
      }),
    ),
  ),
  since: Type.Optional(
    Dynamic(Type.String({ minLength: 1, description: 'The time a new consumer starts from, ISO-8601 (`2024-07-01T00:00:00Z`): `deliverPolicy: ByStartTime`, which is the default when `since` is set.' })),
  ),
  deliverPolicy: Type.Optional(
    Type.Union(
      DELIVER_POLICIES.map((p) => Type.Literal(p)),
      {
        default: 'All',
        description:
          'Where a new consumer starts: `All` (default), `Last`, `New`, `ByStartTime` (with `since`), `LastPerSubject`. ' +
          "`ByStartSequence` is refused: Kestra's trigger has no property for the sequence. An existing durable consumer goes on where it is.",
      },
    ),
  ),
  batchSize: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 10,
      description: 'How many messages are fetched at once, and the most the consumer lets be unacknowledged: the bound of what waits in memory.',
    }),
  ),
} as const;
