import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the NATS triggers raise or log. A message names the server by its redacted address
 * (host and port), never a username, password, token or credentials file.
 */
export const natsErrors = defineErrorCatalog({
  /** `url` is not a NATS URL. */
  NATS_INVALID_URL: (reason: string) => `invalid NATS url: ${reason}`,
  /** The server cannot be reached, refused the connection, or has no stream for the subject; the trigger retries by itself. */
  NATS_CONNECTION_FAILED: (where: string, cause: string, retryInMs: number) =>
    `cannot consume from NATS server ${where}: ${cause}; retrying in ${retryInMs} ms`,
  /** A message's data is not UTF-8 text; it is terminated (never redelivered). */
  NATS_DECODE_FAILED: (subject: string, sequence: number) =>
    `message ${sequence} on subject '${subject}' skipped: its data is not UTF-8 text`,
  /** The host did not store the execution of a message; JetStream redelivers it. */
  NATS_EMIT_FAILED: (subject: string, sequence: number, reason: string) =>
    `message ${sequence} on subject '${subject}' not acknowledged, JetStream will redeliver it: starting its execution failed (${reason})`,
});
