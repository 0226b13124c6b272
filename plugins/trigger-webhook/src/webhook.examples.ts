import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Webhook trigger, each with the request that starts it and what must come
 * of it. `webhook.examples.test.ts` sends every request through the engine's webhook dispatch
 * and runs the execution.
 */
export const webhookExamples: readonly PluginExample[] = [
  {
    // Kestra's getting-started flow, unchanged.
    title: 'Start a flow with a POST carrying JSON',
    flow: `id: trigger
namespace: company.team

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello World! 🚀"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: 4wjtkzwVGBM9yKnjm3yv8r
`,
    request: { method: 'POST', body: { hello: 'world', items: [1, 2] } },
    expect: {
      status: 200,
      state: 'SUCCESS',
      triggerVariables: { body: { hello: 'world', items: [1, 2] }, headers: { 'content-type': ['application/json'] }, parameters: {} },
      logs: [{ level: 'INFO', message: 'Hello World! 🚀' }],
    },
  },
  {
    title: 'A GET without a body: trigger.body is null',
    flow: `id: ping
namespace: company.team

tasks:
  - id: pinged
    type: io.kestra.plugin.core.log.Log
    message: "Pinged, body is {{ trigger.body ?? 'empty' }}"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ping-key
`,
    request: { method: 'GET' },
    expect: { status: 200, triggerVariables: { body: null }, logs: [{ level: 'INFO', message: 'Pinged, body is empty' }] },
  },
  {
    title: 'Query parameters and headers arrive as lists of values',
    flow: `id: query
namespace: company.team

tasks:
  - id: show
    type: io.kestra.plugin.core.log.Log
    message:
      - "second age: {{ trigger.parameters.age[1] }}"
      - "event: {{ trigger.headers['x-event'][0] }}"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: query-key
`,
    request: { method: 'GET', query: { age: ['12', '13'] }, headers: { 'X-Event': 'deploy' } },
    expect: {
      status: 200,
      triggerVariables: { body: null, parameters: { age: ['12', '13'] }, headers: { 'x-event': ['deploy'] } },
      logs: [
        { level: 'INFO', message: 'second age: 13' },
        { level: 'INFO', message: 'event: deploy' },
      ],
    },
  },
  {
    title: 'A condition turns away requests that do not match (204, no execution)',
    flow: `id: conditional
namespace: company.team

tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ trigger.body.hello }}"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: conditional-key
    conditions:
      - type: io.kestra.plugin.core.condition.ExpressionCondition
        expression: "{{ trigger.body.hello == 'world' }}"
`,
    request: { body: { hello: 'mars' } },
    expect: { status: 204 },
  },
  {
    title: "Kestra 2.0's when: the request starts the flow only when it is truthy",
    flow: `id: when_deploy
namespace: company.team

tasks:
  - id: deploy
    type: io.kestra.plugin.core.log.Log
    message: "Deploying {{ trigger.body.ref }}"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: when-key
    when: "{{ trigger.body.event == 'deploy' }}"
`,
    request: { body: { event: 'deploy', ref: 'v1.2.0' } },
    expect: { status: 200, logs: [{ level: 'INFO', message: 'Deploying v1.2.0' }] },
  },
  {
    title: "Feed the flow's inputs from the request",
    flow: `id: webhook_inputs
namespace: company.team

inputs:
  - id: name
    type: STRING

tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: inputs-key
    inputs:
      name: "{{ trigger.body.user.name }}"
`,
    request: { body: { user: { name: 'Ada' } } },
    expect: { status: 200, logs: [{ level: 'INFO', message: 'Hello Ada' }] },
  },
  {
    title: 'A key rendered from the flow id',
    flow: `id: webhook-dynamic-key
namespace: company.team

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Called by key"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: "{{ flow.id }}"
`,
    request: { key: 'webhook-dynamic-key', body: 'plain text' },
    expect: { status: 200, triggerVariables: { body: 'plain text' }, logs: [{ level: 'INFO', message: 'Called by key' }] },
  },
];
