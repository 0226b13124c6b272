import type * as Mqtt from 'mqtt';

/** The MQTT.js module. */
export type MqttModule = typeof Mqtt;

let loaded: Promise<MqttModule> | undefined;

/**
 * MQTT.js, imported on first use: about a third of a second of every server start went to it,
 * for flows that may have no MQTT trigger at all.
 */
export function loadMqtt(): Promise<MqttModule> {
  return (loaded ??= import('mqtt'));
}
