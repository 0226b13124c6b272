import type { PluginExample } from '@sluice/core';
import type { MqttExampleCase } from './example-case.js';

/**
 * Flows that show the realtime trigger, each with the message its test publishes and what the
 * execution gets. `realtime.examples.test.ts` checks each flow's trigger props the way the host
 * does at save, listens with them on the local Mosquitto, publishes the message and compares
 * `trigger.*`, then renders the flow's Log message with them.
 */
export const mqttRealtimeCases: readonly MqttExampleCase[] = [
  {
    // Kestra's example.
    example: {
      title: 'Start a flow for each JSON message on two topics',
      flow: `id: mqtt
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.topic }}: cpu {{ trigger.payload.cpu }}"

triggers:
  - id: realtime_trigger
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: tcp://127.0.0.1:1883
    clientId: kestraProducer
    topic:
      - kestra/sensors/cpu
      - kestra/sensors/mem
    serdeType: JSON
`,
      expect: {
        triggerVariables: { topic: 'kestra/sensors/cpu', qos: 1, retain: false, payload: { cpu: 42 } },
        logs: [{ level: 'INFO', message: 'kestra/sensors/cpu: cpu 42' }],
      },
    },
    publish: [{ topic: 'kestra/sensors/cpu', payload: '{"cpu":42}' }],
  },
  {
    example: {
      title: 'Text payloads from a wildcard topic over MQTT 3',
      flow: `id: temperatures
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.topic }} says {{ trigger.payload }}"

triggers:
  - id: temperatures
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: tcp://127.0.0.1:1883
    clientId: sluice-temperatures
    mqttVersion: V3
    topic: sensors/+/temperature
    serdeType: STRING
    qos: 1
`,
      expect: {
        triggerVariables: { topic: 'sensors/kitchen/temperature', payload: '21.5 C', qos: 1 },
        logs: [{ level: 'INFO', message: 'sensors/kitchen/temperature says 21.5 C' }],
      },
    },
    publish: [{ topic: 'sensors/kitchen/temperature', payload: '21.5 C' }],
  },
  {
    example: {
      title: 'Credentials from secrets, exactly-once delivery from the broker (QoS 2)',
      flow: `id: orders
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "order {{ trigger.payload.id }} for {{ trigger.payload.total }}"

triggers:
  - id: orders
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: tcp://127.0.0.1:1883
    clientId: sluice-orders
    username: sluice
    password: "{{ secret('MQTT_PASSWORD') }}"
    topic: shop/orders
    qos: 2
`,
      expect: {
        triggerVariables: { topic: 'shop/orders', qos: 2, payload: { id: 'A-17', total: 99.5 } },
        logs: [{ level: 'INFO', message: 'order A-17 for 99.5' }],
      },
    },
    publish: [{ topic: 'shop/orders', payload: '{"id":"A-17","total":99.5}' }],
  },
  {
    example: {
      title: 'Binary payloads as Base64',
      flow: `id: images
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.payload }}"

triggers:
  - id: frames
    type: io.kestra.plugin.mqtt.RealtimeTrigger
    server: tcp://127.0.0.1:1883
    clientId: sluice-frames
    topic: camera/frames
    serdeType: BYTES
`,
      expect: { triggerVariables: { topic: 'camera/frames', payload: 'AAH/gA==' }, logs: [{ level: 'INFO', message: 'AAH/gA==' }] },
    },
    publish: [{ topic: 'camera/frames', payload: new Uint8Array([0, 1, 255, 128]) }],
  },
];

/** The realtime trigger's examples, as the plugin reference shows them. */
export const mqttRealtimeExamples: readonly PluginExample[] = mqttRealtimeCases.map((c) => c.example);
