import type { PluginExample } from '@sluice/core';

/** Flows that show the AllowFailure task; `examples.test.ts` runs each one. */
export const allowFailureExamples: readonly PluginExample[] = [
  {
    title: 'Let a group fail without failing the flow',
    flow: `id: allow_failure
namespace: company.team

tasks:
  - id: optional
    type: io.kestra.plugin.core.flow.AllowFailure
    tasks:
      - id: flaky
        type: io.kestra.plugin.core.execution.Fail
        errorMessage: "the optional service is down"
      - id: skipped
        type: io.kestra.plugin.core.log.Log
        message: "never logged"
    errors:
      - id: notice
        type: io.kestra.plugin.core.log.Log
        level: WARN
        message: "the optional part failed"

  - id: goes_on
    type: io.kestra.plugin.core.log.Log
    message: "the flow goes on"
`,
    expect: { state: 'WARNING', logs: [{ level: 'WARN', message: 'the optional part failed' }, { level: 'INFO', message: 'the flow goes on' }] },
  },
];
