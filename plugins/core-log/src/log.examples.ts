import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Log task. Each one is documentation that runs: the plugin reference shows
 * them and `log.examples.test.ts` executes them through the engine.
 */
export const logExamples: readonly PluginExample[] = [
  {
    // Kestra's own getting-started flow; it must run unchanged.
    title: 'Log a greeting when a webhook is called',
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
    request: { method: 'POST', body: { hello: 'world' } },
    expect: { status: 200, state: 'SUCCESS', logs: [{ level: 'INFO', message: 'Hello World! 🚀' }] },
  },
  {
    title: 'Log several lines, one per list element, with expressions',
    flow: `id: log_list
namespace: company.team

tasks:
  - id: lines
    type: io.kestra.plugin.core.log.Log
    message:
      - "Flow {{ flow.id }} started"
      - "in namespace {{ flow.namespace }}"
`,
    expect: {
      state: 'SUCCESS',
      logs: [
        { level: 'INFO', message: 'Flow log_list started' },
        { level: 'INFO', message: 'in namespace company.team' },
      ],
    },
  },
  {
    title: 'Log a warning',
    flow: `id: log_warning
namespace: company.team

tasks:
  - id: warn
    type: io.kestra.plugin.core.log.Log
    level: WARN
    message: Disk almost full
`,
    expect: { logs: [{ level: 'WARN', message: 'Disk almost full' }] },
  },
  {
    title: 'Choose the level at run time from an input set by the webhook caller',
    flow: `id: log_level_input
namespace: company.team

inputs:
  - id: level
    type: STRING
    defaults: INFO

tasks:
  - id: report
    type: io.kestra.plugin.core.log.Log
    level: "{{ inputs.level }}"
    message: "Received {{ trigger.body.event }}"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: level-example-key
    inputs:
      level: "{{ trigger.body.level }}"
`,
    request: { body: { event: 'outage', level: 'ERROR' } },
    expect: { status: 200, logs: [{ level: 'ERROR', message: 'Received outage' }] },
  },
];
