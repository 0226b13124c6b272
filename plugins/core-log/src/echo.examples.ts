import type { PluginExample } from '@sluice/core';

/** Flows that show the Echo task; `echo.test.ts` runs them through the engine. */
export const echoExamples: readonly PluginExample[] = [
  {
    title: 'Log a message with the deprecated Echo task',
    flow: `id: echo_flow
namespace: company.team

tasks:
  - id: echo
    type: io.kestra.plugin.core.debug.Echo
    level: WARN
    format: "{{ task.id }} > {{ flow.id }}"
`,
    expect: { logs: [{ level: 'WARN', message: 'echo > echo_flow' }] },
  },
];
