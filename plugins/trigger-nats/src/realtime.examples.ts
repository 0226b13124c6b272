import type { PluginExample } from '@sluice/core';
import type { NatsExampleCase } from './example-case.js';

/**
 * Flows that show the realtime trigger, each with the message its test publishes and what the
 * execution gets. `realtime.examples.test.ts` checks each flow's trigger props the way the host
 * does at save, consumes with them from the local NATS server (in a stream of its own),
 * publishes the message and compares `trigger.*`, then renders the flow's Log message.
 */
export const natsRealtimeCases: readonly NatsExampleCase[] = [
  {
    // Kestra's example, with the password from a secret.
    example: {
      title: 'Start a flow for each message on a subject',
      flow: `id: nats
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "Subject: {{ trigger.subject }}, Message: {{ trigger.data }}"

triggers:
  - id: trigger
    type: io.kestra.plugin.nats.RealtimeTrigger
    url: nats://127.0.0.1:4222
    username: kestra
    password: "{{ secret('NATS_PASSWORD') }}"
    subject: kestra.trigger
    durableId: natsTrigger
    deliverPolicy: New
`,
      expect: {
        triggerVariables: { subject: 'kestra.trigger', data: 'hello' },
        logs: [{ level: 'INFO', message: 'Subject: kestra.trigger, Message: hello' }],
      },
    },
    publish: [{ subject: 'kestra.trigger', data: 'hello' }],
  },
  {
    example: {
      title: 'JSON orders from a wildcard subject, with headers, read from the start of the stream',
      flow: `id: orders
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "order {{ fromJson(trigger.data).id }} from {{ trigger.headers['Shop-Id'][0] }} (#{{ trigger.sequence }})"

triggers:
  - id: orders
    type: io.kestra.plugin.nats.RealtimeTrigger
    url: nats://127.0.0.1:4222
    subject: orders.>
    batchSize: 50
`,
      expect: {
        triggerVariables: { subject: 'orders.eu.created', data: '{"id":"A-17"}', headers: { 'Shop-Id': ['paris'] }, sequence: 1 },
        logs: [{ level: 'INFO', message: 'order A-17 from paris (#1)' }],
      },
    },
    publish: [{ subject: 'orders.eu.created', data: '{"id":"A-17"}', headers: { 'Shop-Id': 'paris' } }],
  },
];

/** The realtime trigger's examples, as the plugin reference shows them. */
export const natsRealtimeExamples: readonly PluginExample[] = natsRealtimeCases.map((c) => c.example);
