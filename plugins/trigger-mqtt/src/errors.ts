import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the MQTT triggers raise or log. A message names the broker by its redacted address
 * (scheme, host and port), never a username or password.
 */
export const mqttErrors = defineErrorCatalog({
  /** `server` is not an MQTT URL this trigger can connect to. */
  MQTT_INVALID_SERVER: (reason: string) => `invalid MQTT server: ${reason}`,
  /** The broker cannot be reached or refused the connection; the trigger retries by itself. */
  MQTT_CONNECTION_FAILED: (where: string, cause: string, retryInMs: number) =>
    `cannot connect to MQTT broker ${where}: ${cause}; retrying in ${retryInMs} ms`,
  /** A message's payload is not what `serdeType` says; the message is acknowledged and skipped. */
  MQTT_DECODE_FAILED: (topic: string, serdeType: string, reason: string) =>
    `message on topic '${topic}' skipped: its payload is not ${serdeType} (${reason})`,
  /** The host did not store the execution of a message; the broker redelivers it after a reconnect. */
  MQTT_EMIT_FAILED: (topic: string, reason: string) =>
    `message on topic '${topic}' not acknowledged, the broker will redeliver it: starting its execution failed (${reason})`,
});
