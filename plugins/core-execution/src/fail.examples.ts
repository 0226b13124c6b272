import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Fail task; `fail.examples.test.ts` runs every one through the engine.
 */
export const failExamples: readonly PluginExample[] = [
  {
    // After Kestra's own example: the condition reads an input.
    title: 'Fail on a condition',
    flow: `id: fail_on_condition
namespace: company.team

inputs:
  - id: param
    type: SELECT
    defaults: FAIL
    values:
      - SUCCEED
      - FAIL

tasks:
  - id: before
    type: io.kestra.plugin.core.log.Log
    message: I'm before the fail on condition

  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    condition: '{{ inputs.param == "FAIL" }}'
    errorMessage: "param is {{ inputs.param }}"

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: I'm after the fail on condition
`,
    expect: {
      state: 'FAILED',
      logs: [
        { level: 'INFO', message: "I'm before the fail on condition" },
        { level: 'ERROR', message: 'param is FAIL' },
        { level: 'ERROR', message: 'Fail on a condition' },
      ],
    },
  },
  {
    title: 'Go on when the condition is false',
    flow: `id: pass_on_condition
namespace: company.team

inputs:
  - id: count
    type: INT
    defaults: 3

tasks:
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{ inputs.count > 10 }}"
    errorMessage: too many items

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.count }} items are fine"
`,
    expect: { logs: [{ level: 'INFO', message: '3 items are fine' }] },
  },
  {
    title: 'Always fail, with a message',
    flow: `id: always_fail
namespace: company.team

tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: Something went wrong in {{ flow.id }}, make sure to fix it asap!
`,
    expect: { state: 'FAILED', logs: [{ level: 'ERROR', message: 'Something went wrong in always_fail, make sure to fix it asap!' }] },
  },
];
