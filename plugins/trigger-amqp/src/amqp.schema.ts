import { Dynamic, Type, type Static } from '@sluice/core';

/** How many unacknowledged messages one listener holds at most, unless `prefetch` says otherwise. */
export const DEFAULT_PREFETCH = 10;

/** Props of the AMQP RealtimeTrigger (the envelope `id`, `type`, `disabled`, `labels` is the host's). */
export const AmqpRealtimeProps = Type.Object(
  {
    host: Type.Optional(
      Dynamic(Type.String({ minLength: 1, description: "The broker's host name or IP address, e.g. `localhost`. Required unless the deprecated `url` is set." })),
    ),
    port: Type.Optional(
      Dynamic(
        Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.String({ pattern: '^[0-9]{1,5}$' })], {
          default: '5672',
          description: "The broker's port; `5672` when omitted.",
        }),
      ),
    ),
    username: Type.Optional(Dynamic(Type.String({ description: 'The user to log in as; `guest` when omitted (as the RabbitMQ Java client).' }))),
    password: Type.Optional(
      Dynamic(Type.String({ description: "The user's password; `guest` when omitted. Use `{{ secret('RABBITMQ_PASSWORD') }}`; it is never logged." })),
    ),
    virtualHost: Type.Optional(Dynamic(Type.String({ default: '/', description: 'The virtual host; `/` when omitted.' }))),
    url: Type.Optional(
      Dynamic(
        Type.String({
          minLength: 1,
          description:
            'Deprecated in Kestra, still read: `amqp://user:password@host:port/virtualHost` (or `amqps://` for TLS), in place of `host`, `port`, ' +
            '`username`, `password` and `virtualHost`. Cannot be combined with `host`. Any other scheme is refused at save.',
        }),
      ),
    ),
    queue: Dynamic(Type.String({ minLength: 1, description: 'The queue to consume. It must already exist: the trigger does not declare it.' })),
    consumerTag: Type.Optional(Type.String({ minLength: 1, maxLength: 255, default: 'Kestra', description: "The consumer tag the broker shows; `Kestra` when omitted." })),
    autoAck: Type.Optional(
      Type.Literal(false, {
        description:
          'Must be `false` (the default): the trigger acknowledges a message only once its execution is stored, so no message is lost. ' +
          "Kestra's `autoAck: true` (the broker forgets a message as soon as it is sent) is refused.",
      }),
    ),
    serdeType: Type.Optional(
      Type.Union([Type.Literal('STRING'), Type.Literal('JSON')], {
        default: 'STRING',
        description:
          'How the message body becomes `trigger.data`: `STRING` (the default) as UTF-8 text, `JSON` parsed. A body that is not valid UTF-8 (or JSON) ' +
          'is logged as an error and rejected without requeue: dead-lettered if the queue has a dead-letter exchange, else dropped.',
      }),
    ),
    prefetch: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: DEFAULT_PREFETCH,
        description:
          `Sluice only: how many messages may wait for their execution to be stored at once (the channel's prefetch); ${DEFAULT_PREFETCH} when omitted. ` +
          'When executions are stored slowly, the broker keeps the rest of the queue instead of this process.',
      }),
    ),
  },
  { additionalProperties: false },
);
/** Props of the AMQP RealtimeTrigger, as `listen` gets them. */
export type AmqpRealtimeProps = Static<typeof AmqpRealtimeProps>;

/** The variables of an execution started by one message: Kestra's `trigger.*` of the AMQP RealtimeTrigger. */
export const AmqpMessageVariables = Type.Object(
  {
    data: Type.Unknown({ description: 'The body: a string with `serdeType: STRING`, the parsed value with `JSON`.' }),
    contentType: Type.Optional(Type.String({ description: 'The `content-type` property, e.g. `application/json`.' })),
    contentEncoding: Type.Optional(Type.String({ description: 'The `content-encoding` property.' })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'The message headers, each value as a string (as Kestra stringifies them).' })),
    deliveryMode: Type.Optional(Type.Integer({ description: '1 (transient) or 2 (persistent).' })),
    priority: Type.Optional(Type.Integer({ description: 'The message priority.' })),
    messageId: Type.Optional(Type.String({ description: 'The `message-id` property; it is also the identity that makes a redelivered message start one execution.' })),
    correlationId: Type.Optional(Type.String({ description: 'The `correlation-id` property.' })),
    replyTo: Type.Optional(Type.String({ description: 'The `reply-to` property.' })),
    expiration: Type.Optional(Type.String({ description: 'The `expiration` property as an ISO-8601 duration (Kestra outputs a Duration), e.g. `PT60S`.' })),
    timestamp: Type.Optional(Type.String({ description: 'The `timestamp` property as an ISO-8601 instant, e.g. `2024-07-01T06:00:00Z`.' })),
    type: Type.Optional(Type.String({ description: 'The `type` property.' })),
    userId: Type.Optional(Type.String({ description: 'The `user-id` property.' })),
    appId: Type.Optional(Type.String({ description: 'The `app-id` property.' })),
  },
  { description: 'One message of the queue.' },
);
/** The variables of an execution started by one message. */
export type AmqpMessageVariables = Static<typeof AmqpMessageVariables>;
