/**
 * `@sluice/plugin-trigger-nats`: Kestra's `io.kestra.plugin.nats.RealtimeTrigger` (one
 * execution per JetStream message, `listen` mode) and `io.kestra.plugin.nats.Trigger` (one
 * execution per batch, `poll` mode), on nats.js.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { natsBatch } from './batch.trigger.js';
import { natsRealtime } from './realtime.trigger.js';

export { natsRealtime, jsMessageHandler } from './realtime.trigger.js';
export { natsBatch, startOptions, fetchWindowMs, MIN_INTERVAL_MS } from './batch.trigger.js';
export { NatsRealtimeProps, NatsMessageVariables } from './realtime.schema.js';
export { NatsBatchProps, NatsBatchVariables, type NatsCursor } from './batch.schema.js';
export { natsBatchCases } from './batch.examples.js';
export { natsRealtimeCases } from './realtime.examples.js';
export type { NatsExampleCase } from './example-case.js';
export { parseNatsUrl, type NatsAddress } from './server.js';
export { consumerName, consumerConfig, ACK_WAIT_MS } from './options.js';
export { backoffMs, BACKOFF_MIN_MS, BACKOFF_MAX_MS } from './backoff.js';
export { natsErrors } from './errors.js';

export default definePluginPackage({ triggers: [natsRealtime, natsBatch] });
