import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the AMQP trigger raises. The first four refuse a flow at save, at the YAML line of
 * the prop; the others are the text of the error lines the listener logs while it runs (the
 * listener never throws once started: it logs and reconnects).
 */
export const amqpErrors = defineErrorCatalog({
  AMQP_URL_SCHEME: (scheme: string) => `unsupported URL scheme '${scheme}': use amqp:// or amqps://`,
  AMQP_URL_INVALID: () => 'not a URL: write amqp://[user[:password]@]host[:port][/virtualHost]',
  AMQP_HOST_AND_URL: () => "set either 'host' (with port, username, password, virtualHost) or the deprecated 'url', not both",
  AMQP_NO_HOST: () => "set 'host' (or the deprecated 'url') to the broker's host name",
  /** A message whose body is not what `serdeType` says; it is rejected without requeue. */
  AMQP_DECODE_FAILED: (queue: string, serde: string, reason: string, messageId: string | undefined) =>
    `message${messageId === undefined ? '' : ` '${messageId}'`} of queue '${queue}' is not valid ${serde} (${reason}); rejected without requeue (dead-lettered if the queue has a dead-letter exchange, else dropped)`,
  /** The broker could not be reached, refused the login, or dropped the connection. */
  AMQP_CONNECTION_FAILED: (target: string, reason: string, retryMs: number) => `AMQP connection to ${target} failed: ${reason}; retrying in ${retryMs} ms`,
  /** The host could not store the execution of a message; the message goes back to the queue. */
  AMQP_EMIT_FAILED: (queue: string, reason: string, retryMs: number) =>
    `could not start an execution for a message of queue '${queue}': ${reason}; requeued in ${retryMs} ms`,
});
