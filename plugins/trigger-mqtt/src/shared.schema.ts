import { DURATION_PATTERN, Dynamic, Type } from '@sluice/core';

/** Kestra's payload decodings. */
export const SerdeTypeSchema = Type.Union([Type.Literal('JSON'), Type.Literal('STRING'), Type.Literal('BYTES')], {
  default: 'JSON',
  description: "How a payload becomes `trigger.payload`: `JSON` (default) parses UTF-8 JSON, `STRING` is UTF-8 text, `BYTES` is the raw bytes in Base64.",
});

/** The props both MQTT triggers share, as Kestra's `MqttPropertiesInterface` and `SubscribeInterface` name them. */
export const mqttConnectionProps = {
  server: Dynamic(
    Type.String({
      minLength: 1,
      description:
        'The broker URL: `tcp://host:1883` or `ssl://host:8883` as in Kestra; `mqtt://`, `mqtts://`, `ws://` and `wss://` also work. ' +
        'Credentials may be written in it (`tcp://user:pass@host:1883`); they are never logged.',
    }),
  ),
  clientId: Dynamic(
    Type.String({
      minLength: 1,
      maxLength: 256,
      description:
        'The MQTT client id, unique on the broker. It names the persistent session in which the broker keeps the messages the trigger has not yet acknowledged, ' +
        'so keep it stable: a new id starts from an empty session.',
    }),
  ),
  mqttVersion: Type.Optional(
    Type.Union([Type.Literal('V3'), Type.Literal('V5')], { default: 'V5', description: 'The protocol version: `V5` (default, MQTT 5) or `V3` (MQTT 3.1.1).' }),
  ),
  connectionTimeout: Type.Optional(
    Type.String({
      pattern: DURATION_PATTERN,
      description: 'How long one connection attempt may take, an ISO-8601 duration such as `PT30S` (default 30 seconds).',
    }),
  ),
  httpsHostnameVerificationEnabled: Type.Optional(
    Type.Boolean({ default: true, description: "With `ssl://` or `wss://`: check that the broker's certificate names its host. `false` skips that check (the certificate chain is still checked)." }),
  ),
  username: Type.Optional(Dynamic(Type.String({ description: 'The username to connect with.' }))),
  password: Type.Optional(Dynamic(Type.String({ description: "The password to connect with, e.g. `{{ secret('MQTT_PASSWORD') }}`. Never logged." }))),
  crt: Type.Optional(
    Dynamic(
      Type.String({
        description: "With `ssl://` or `wss://`: the CA certificate(s) the broker's certificate must chain to, as PEM text (`-----BEGIN CERTIFICATE-----`). Kestra's `kestra://` URIs and file paths are not supported.",
      }),
    ),
  ),
  topic: Dynamic(
    Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], {
      description: 'The topic, or list of topics, to subscribe to; MQTT wildcards `+` and `#` work (`sensors/+/temperature`).',
    }),
  ),
  serdeType: Type.Optional(SerdeTypeSchema),
  qos: Type.Optional(
    Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)], {
      default: 1,
      description:
        'The QoS of every subscription: `0` at most once, `1` (default) at least once, `2` with `mqttVersion: V5` only. With 1 and 2 a message is acknowledged to the broker only once its execution is stored.',
    }),
  ),
} as const;
