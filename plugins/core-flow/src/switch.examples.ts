import type { PluginExample } from '@sluice/core';

/** Flows that show the Switch task; `examples.test.ts` runs each one. */
export const switchExamples: readonly PluginExample[] = [
  {
    title: 'Run the tasks of the matching case',
    flow: `id: switch
namespace: company.team

inputs:
  - id: kind
    type: STRING
    defaults: refund

tasks:
  - id: route
    type: io.kestra.plugin.core.flow.Switch
    value: "{{ inputs.kind }}"
    cases:
      order:
        - id: handle_order
          type: io.kestra.plugin.core.log.Log
          message: "an order"
      refund:
        - id: handle_refund
          type: io.kestra.plugin.core.log.Log
          message: "a refund"
    defaults:
      - id: unknown
        type: io.kestra.plugin.core.log.Log
        level: WARN
        message: "unknown kind {{ inputs.kind }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'a refund' }] },
  },
  {
    title: 'No matching case and no defaults: the task fails, naming the value',
    flow: `id: switch_no_match
namespace: company.team

tasks:
  - id: route
    type: io.kestra.plugin.core.flow.Switch
    value: "parcel"
    cases:
      letter:
        - id: letter
          type: io.kestra.plugin.core.log.Log
          message: "a letter"
`,
    expect: { state: 'FAILED', logs: [{ level: 'ERROR', message: "value 'parcel' matches no case ('letter') and there are no defaults" }] },
  },
];
