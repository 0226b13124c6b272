import type { PluginExample } from '@sluice/core';

const greet = `id: greet
namespace: company.team

inputs:
  - id: name
    type: STRING

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello {{ inputs.name }}"

outputs:
  - id: greeting
    type: STRING
    value: "Hello {{ inputs.name }}"
`;

const failing = `id: flaky
namespace: company.team

tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: the upstream system is down
`;

/** Flows that show the Subflow task; `examples.test.ts` runs each one, with the flows it calls. */
export const subflowExamples: readonly PluginExample[] = [
  {
    title: 'Run another flow with inputs and use its outputs',
    flows: [greet],
    flow: `id: call_greet
namespace: company.team

tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: greet
    inputs:
      name: "{{ 'wor' ~ 'ld' | upper }}"
    labels:
      source: parent

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.call.outputs.greeting }} ({{ outputs.call.state }})"
`,
    expect: { logs: [{ level: 'INFO', message: 'Hello WORLD (SUCCESS)' }] },
  },
  {
    title: 'Go on when the other flow fails',
    flows: [failing],
    flow: `id: call_flaky
namespace: company.team

tasks:
  - id: call
    type: io.kestra.plugin.core.flow.Subflow
    namespace: company.team
    flowId: flaky
    transmitFailed: false

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "the subflow ended {{ outputs.call.state }}; going on"
`,
    expect: { logs: [{ level: 'INFO', message: 'the subflow ended FAILED; going on' }] },
  },
];
