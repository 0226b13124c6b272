import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the AMQP RealtimeTrigger, each with the `trigger.*` variables one message
 * gives. `amqp.examples.test.ts` saves each flow through the engine's `parseFlow`, then runs its
 * trigger against the RabbitMQ on 127.0.0.1 (its queue renamed to a test queue) and publishes
 * the message the example names.
 */
export const amqpExamples: readonly PluginExample[] = [
  {
    // Kestra's example, with the Log task.
    title: 'Start a flow per message of a queue, the body as text',
    flow: `id: amqp_realtime
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.data }}"

triggers:
  - id: realtime_trigger
    type: io.kestra.plugin.amqp.RealtimeTrigger
    host: localhost
    port: 5672
    username: guest
    password: guest
    virtualHost: /
    queue: amqpTrigger.queue
`,
    expect: { triggerVariables: { data: 'hello', contentType: 'text/plain', messageId: 'order-1' }, logs: [{ level: 'INFO', message: 'hello' }] },
  },
  {
    title: 'Parse JSON bodies and read the message properties',
    flow: `id: amqp_orders
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "order {{ trigger.data.id }} from {{ trigger.appId }}"

triggers:
  - id: orders
    type: io.kestra.plugin.amqp.RealtimeTrigger
    host: localhost
    username: guest
    password: "{{ secret('RABBITMQ_PASSWORD') }}"
    queue: orders
    serdeType: JSON
    prefetch: 5
`,
    expect: { triggerVariables: { data: { id: 42 }, appId: 'shop', headers: { source: 'web' } }, logs: [{ level: 'INFO', message: 'order 42 from shop' }] },
  },
  {
    title: "Kestra's deprecated url, still read",
    flow: `id: amqp_url
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.data }} ({{ trigger.correlationId }})"

triggers:
  - id: legacy
    type: io.kestra.plugin.amqp.RealtimeTrigger
    url: amqp://guest:guest@localhost:5672/
    queue: legacy.queue
    consumerTag: sluice
`,
    expect: { triggerVariables: { data: 'ping', correlationId: 'c-7' }, logs: [{ level: 'INFO', message: 'ping (c-7)' }] },
  },
];
