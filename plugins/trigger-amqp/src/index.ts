/**
 * `@sluice/plugin-trigger-amqp`: Kestra's `io.kestra.plugin.amqp.RealtimeTrigger` on RabbitMQ,
 * through amqplib.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { amqpRealtimeTrigger } from './amqp.trigger.js';

export { amqpRealtimeTrigger } from './amqp.trigger.js';
export { AmqpRealtimeProps, AmqpMessageVariables, DEFAULT_PREFETCH } from './amqp.schema.js';
export { decodeMessage, type SerdeType } from './message.js';
export { amqpErrors } from './errors.js';

export default definePluginPackage({ triggers: [amqpRealtimeTrigger] });
