import type { PluginExample } from '@sluice/core';

/** Flows that show the If task; `examples.test.ts` runs each one. */
export const ifExamples: readonly PluginExample[] = [
  {
    title: 'Branch on an input',
    flow: `id: if_condition
namespace: company.team

inputs:
  - id: amount
    type: INT
    defaults: 250

tasks:
  - id: big_order
    type: io.kestra.plugin.core.flow.If
    condition: "{{ inputs.amount > 100 }}"
    then:
      - id: review
        type: io.kestra.plugin.core.log.Log
        message: "order of {{ inputs.amount }} sent for review"
    else:
      - id: accept
        type: io.kestra.plugin.core.log.Log
        message: "order of {{ inputs.amount }} accepted"

  - id: result
    type: io.kestra.plugin.core.log.Log
    message: "condition was {{ outputs.big_order.evaluationResult }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'order of 250 sent for review' }, { level: 'INFO', message: 'condition was true' }] },
  },
  {
    title: 'Without else, a false condition runs nothing',
    flow: `id: if_without_else
namespace: company.team

tasks:
  - id: never
    type: io.kestra.plugin.core.flow.If
    condition: "{{ 1 > 2 }}"
    then:
      - id: not_run
        type: io.kestra.plugin.core.log.Log
        message: "not logged"

  - id: done
    type: io.kestra.plugin.core.log.Log
    message: "nothing ran"
`,
    expect: { logs: [{ level: 'INFO', message: 'nothing ran' }] },
  },
];
