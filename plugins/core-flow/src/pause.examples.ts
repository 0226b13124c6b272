import type { PluginExample } from '@sluice/core';

/** Flows that show the Pause task; `examples.test.ts` runs each one. */
export const pauseExamples: readonly PluginExample[] = [
  {
    title: 'Wait for an approval, with inputs given when resuming',
    flow: `id: vacation_approval
namespace: company.team

tasks:
  - id: wait_for_approval
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: approved
        description: Whether the request is approved
        type: BOOLEAN
        defaults: true
      - id: reason
        description: Why
        type: STRING

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "approved: {{ outputs.wait_for_approval.onResume.approved }}, because {{ outputs.wait_for_approval.onResume.reason }}"
`,
    resume: { inputs: { reason: 'well-deserved' } },
    expect: { logs: [{ level: 'INFO', message: 'approved: true, because well-deserved' }] },
  },
  {
    title: 'Pause for a while, and end in WARNING if nobody resumed it by then',
    flow: `id: pause_warn
namespace: company.team

tasks:
  - id: pause
    type: io.kestra.plugin.core.flow.Pause
    pauseDuration: PT0.2S
    behavior: WARN

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "the pause ended in {{ outputs.pause.resumed.to }}"
`,
    expect: { state: 'WARNING', logs: [{ level: 'INFO', message: 'the pause ended in WARNING' }] },
  },
];
