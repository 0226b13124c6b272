import { defineTrigger, redactSecrets, type StartDecision, type TriggerContext } from '@sluice/core';
import type { JsMsg } from 'nats';
import { checkNats } from './check.js';
import { startConsumer, type JsMessageHandler } from './consumer.js';
import { natsErrors } from './errors.js';
import { messageVariables, type NatsMessage } from './message.js';
import { loadNats } from './nats-module.js';
import { ACK_WAIT_MS, resolveNats } from './options.js';
import { NatsMessageVariables, NatsRealtimeProps } from './realtime.schema.js';
import { natsRealtimeExamples } from './realtime.examples.js';

/** How long JetStream waits before redelivering a message whose emit failed. */
const NAK_DELAY_MS = 1000;

/**
 * What one message does: started through `emit` with its stream and sequence as the start's
 * `key` (a redelivery starts no second execution), acknowledged once the execution is stored.
 * While the host stores it, the trigger tells JetStream it is still working, so a slow store does
 * not cause a redelivery. Data that is not UTF-8 text is logged and terminated: redelivering it
 * could never succeed.
 */
export function jsMessageHandler(
  ctx: TriggerContext,
  emit: (start: StartDecision<NatsMessage>) => Promise<void>,
  secrets: readonly string[],
): JsMessageHandler {
  return async (message: JsMsg) => {
    const variables = messageVariables(message);
    if (variables === undefined) {
      ctx.reject(natsErrors.NATS_DECODE_FAILED(message.subject, message.info.streamSequence).message);
      message.term();
      return;
    }
    const working = setInterval(() => message.working(), ACK_WAIT_MS / 3);
    try {
      await emit({ kind: 'start', variables, key: `${variables.stream}:${variables.sequence}` });
      message.ack();
    } catch (error) {
      const reason = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
      ctx.logger.error(natsErrors.NATS_EMIT_FAILED(message.subject, variables.sequence, reason).message);
      message.nak(NAK_DELAY_MS);
    } finally {
      clearInterval(working);
    }
  };
}

/**
 * `io.kestra.plugin.nats.RealtimeTrigger`: starts one execution per JetStream message.
 * @public
 */
export const natsRealtime = defineTrigger({
  mode: 'listen',
  type: 'io.kestra.plugin.nats.RealtimeTrigger',
  aliases: ['io.kestra.plugin.nats.core.RealtimeTrigger'],
  title: 'Start a flow for each NATS JetStream message',
  description:
    'Consumes a subject through a durable JetStream consumer and starts one execution per message, with `trigger.subject`, `headers`, `data`, `timestamp`, ' +
    '`stream` and `sequence`. A message is acknowledged only once its execution is stored; its stream sequence is the execution\'s key, so a message JetStream ' +
    'redelivers (after a crash, or an acknowledgement lost) starts no second execution. At most `batchSize` messages wait unacknowledged. ' +
    'A server that is down or goes away is retried with a growing backoff.',
  props: NatsRealtimeProps,
  variables: NatsMessageVariables,
  examples: natsRealtimeExamples,
  check: checkNats,
  async listen(ctx, props, emit) {
    const resolved = resolveNats(props, await loadNats());
    const consumer = startConsumer(ctx, props, resolved, jsMessageHandler(ctx, emit, resolved.secrets));
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= consumer.close());
    if (ctx.signal.aborted) await stop();
    else ctx.signal.addEventListener('abort', () => void stop(), { once: true });
    return stop;
  },
});
