import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Return task. Each one is documentation that runs: the plugin reference
 * shows them and `return.examples.test.ts` executes them through the engine.
 */
export const returnExamples: readonly PluginExample[] = [
  {
    // Kestra's own example of the task, unchanged.
    title: 'Return a value for debugging',
    flow: `id: debug_value
namespace: company.team

tasks:
  - id: return
    type: io.kestra.plugin.core.debug.Return
    format: "{{ task.id }} > {{ taskrun.startDate }}"
`,
    expect: { state: 'SUCCESS' },
  },
  {
    title: 'Pass a computed value to the next task through outputs',
    flow: `id: return_then_log
namespace: company.team

inputs:
  - id: user
    type: STRING
    defaults: Ada

tasks:
  - id: greeting
    type: io.kestra.plugin.core.debug.Return
    format: "Hello {{ inputs.user | upper }}"

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.greeting.value }} from {{ flow.id }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'Hello ADA from return_then_log' }] },
  },
  {
    // After Kestra's second example: a header computed from whichever credentials were given.
    title: 'Compute an Authorization header from the inputs',
    flow: `id: compute_header
namespace: company.team

inputs:
  - id: token
    type: STRING
    required: false
  - id: username
    type: STRING
    defaults: admin
  - id: password
    type: STRING
    defaults: s3cret

tasks:
  - id: compute_header
    type: io.kestra.plugin.core.debug.Return
    format: >-
      {%- if inputs.token is not empty -%}
      Bearer {{ inputs.token }}
      {%- elseif inputs.username is not empty and inputs.password is not empty -%}
      Basic {{ (inputs.username + ':' + inputs.password) | base64encode }}
      {%- endif -%}

  - id: show
    type: io.kestra.plugin.core.log.Log
    message: "Authorization: {{ outputs.compute_header.value }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'Authorization: Basic YWRtaW46czNjcmV0' }] },
  },
];
