/**
 * `@sluice/plugin-trigger-mqtt`: Kestra's `io.kestra.plugin.mqtt.RealtimeTrigger` (one
 * execution per message, `listen` mode) and `io.kestra.plugin.mqtt.Trigger` (one execution per
 * batch, `poll` mode), on MQTT.js.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { mqttBatch } from './batch.trigger.js';
import { mqttRealtime } from './realtime.trigger.js';

export { mqttRealtime, messageHandler } from './realtime.trigger.js';
export { mqttBatch, collectWindowMs, MIN_INTERVAL_MS } from './batch.trigger.js';
export { MqttRealtimeProps, MqttMessageVariables } from './realtime.schema.js';
export { MqttBatchProps, MqttBatchVariables } from './batch.schema.js';
export { mqttRealtimeCases } from './realtime.examples.js';
export { mqttBatchCases } from './batch.examples.js';
export type { MqttExampleCase } from './example-case.js';
export { decodePayload, type SerdeType, type Decoded } from './serde.js';
export { parseServer, type BrokerAddress } from './server.js';
export { backoffMs, BACKOFF_MIN_MS, BACKOFF_MAX_MS } from './backoff.js';
export { mqttErrors } from './errors.js';

export default definePluginPackage({ triggers: [mqttRealtime, mqttBatch] });
