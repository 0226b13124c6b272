import { defineTrigger } from '@sluice/core';
import { AmqpMessageVariables, AmqpRealtimeProps, DEFAULT_PREFETCH } from './amqp.schema.js';
import { connectionProblems, resolveTarget } from './connection.js';
import { amqpExamples } from './amqp.examples.js';
import { startConsumer } from './consumer.js';

/**
 * Kestra's `io.kestra.plugin.amqp.RealtimeTrigger`: one execution per message of a queue,
 * acknowledged once its execution is stored.
 */
export const amqpRealtimeTrigger = defineTrigger({
  mode: 'listen',
  type: 'io.kestra.plugin.amqp.RealtimeTrigger',
  title: 'Start a flow per AMQP message',
  description:
    'Consumes a RabbitMQ (AMQP 0-9-1) queue and starts one execution per message, with the body as `trigger.data` and the message ' +
    'properties beside it. A message is acknowledged only once its execution is stored; at most `prefetch` messages wait at once. ' +
    "When the publisher sets a `message-id`, a message redelivered after a crash starts no second execution. The broker's " +
    'absence at start, or its going away, is logged and retried with backoff.',
  props: AmqpRealtimeProps,
  variables: AmqpMessageVariables,
  examples: amqpExamples,
  check(props) {
    return connectionProblems(props).map((problem) => ({ path: [problem.path], message: problem.message }));
  },
  async listen(ctx, props, emit) {
    const stop = startConsumer({
      target: resolveTarget(props),
      queue: props.queue,
      consumerTag: props.consumerTag ?? 'Kestra',
      connectionName: `sluice ${ctx.ids.tenantId}/${ctx.ids.namespace}/${ctx.ids.flowId}/${ctx.ids.triggerId}`,
      prefetch: props.prefetch ?? DEFAULT_PREFETCH,
      serde: props.serdeType ?? 'STRING',
      logger: ctx.logger,
      reject: (reason) => ctx.reject(reason),
      emit,
    });
    if (ctx.signal.aborted) await stop();
    else ctx.signal.addEventListener('abort', () => void stop(), { once: true });
    return stop;
  },
});
