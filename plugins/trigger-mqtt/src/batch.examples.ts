import type { PluginExample } from '@sluice/core';
import type { MqttExampleCase } from './example-case.js';

/**
 * Flows that show the batch trigger, with the messages their test publishes before one poll.
 * `batch.examples.test.ts` checks each flow's props as the host does at save, polls once on
 * the local Mosquitto and compares `trigger.*`.
 */
export const mqttBatchCases: readonly MqttExampleCase[] = [
  {
    example: {
      title: 'Every five minutes, start a flow with the messages received meanwhile',
      flow: `id: mqtt_batch
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.messagesCount }} readings, first {{ trigger.messages[0].payload.value }}"

triggers:
  - id: trigger
    type: io.kestra.plugin.mqtt.Trigger
    server: tcp://127.0.0.1:1883
    clientId: sluice-readings
    topic: kestra/readings
    serdeType: JSON
    interval: PT5M
    maxRecords: 2
    maxDuration: PT10S
`,
      expect: {
        triggerVariables: { messagesCount: 2, messages: [{ topic: 'kestra/readings', payload: { value: 1 } }, { topic: 'kestra/readings', payload: { value: 2 } }] },
        logs: [{ level: 'INFO', message: '2 readings, first 1' }],
      },
    },
    publish: [
      { topic: 'kestra/readings', payload: '{"value":1}' },
      { topic: 'kestra/readings', payload: '{"value":2}' },
    ],
  },
];

/** The batch trigger's examples, as the plugin reference shows them. */
export const mqttBatchExamples: readonly PluginExample[] = mqttBatchCases.map((c) => c.example);
