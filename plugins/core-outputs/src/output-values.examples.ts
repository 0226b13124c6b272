import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the OutputValues task. Each one is documentation that runs: the plugin
 * reference shows them and `output-values.examples.test.ts` executes them through the engine.
 */
export const outputValuesExamples: readonly PluginExample[] = [
  {
    // Kestra's own example of the task, unchanged.
    title: 'Output values of several types and read them in the next task',
    flow: `id: outputs_flow
namespace: company.team

tasks:
  - id: output_values
    type: io.kestra.plugin.core.output.OutputValues
    values:
      taskrun_data: "{{ task.id }} > {{ taskrun.startDate }}"
      execution_data: "{{ flow.id }} > {{ execution.startDate }}"
      number_value: 42
      array_value: ["{{ task.id }}", "{{ flow.id }}", "static value"]
      nested_object:
        key1: "value1"
        key2: "{{ execution.id }}"

  - id: log_values
    type: io.kestra.plugin.core.log.Log
    message: |
      Got the following outputs from the previous task:
      {{ outputs.output_values.values.taskrun_data }}
      {{ outputs.output_values.values.execution_data }}
`,
    expect: { state: 'SUCCESS' },
  },
  {
    title: 'Name values taken from a webhook body, then use them',
    flow: `id: order_received
namespace: company.team

tasks:
  - id: order
    type: io.kestra.plugin.core.output.OutputValues
    values:
      id: "{{ trigger.body.order.id }}"
      customer: "{{ trigger.body.order.customer | title }}"
      items: "{{ trigger.body.order.items | length }}"
      tags: ["webhook", "{{ flow.namespace }}"]

  - id: confirm
    type: io.kestra.plugin.core.log.Log
    message:
      - "Order {{ outputs.order.values.id }} for {{ outputs.order.values.customer }}: {{ outputs.order.values.items }} items"
      - "Tags: {{ outputs.order.values.tags | join(', ') }}"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: order-example-key
`,
    request: { body: { order: { id: 'A-17', customer: 'ada lovelace', items: ['tea', 'cake'] } } },
    expect: {
      status: 200,
      logs: [
        { level: 'INFO', message: 'Order A-17 for Ada Lovelace: 2 items' },
        { level: 'INFO', message: 'Tags: webhook, company.team' },
      ],
    },
  },
];
