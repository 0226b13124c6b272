import type { PluginExample } from '@sluice/core';

/** Flows that show the Sleep task; `examples.test.ts` runs each one. */
export const sleepExamples: readonly PluginExample[] = [
  {
    title: 'Wait a moment between two tasks',
    flow: `id: sleep_between
namespace: company.team

tasks:
  - id: before
    type: io.kestra.plugin.core.log.Log
    message: "calling the API again in a moment"

  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.2S

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "waited {{ outputs.wait | length }} outputs later"
`,
    expect: {
      logs: [
        { level: 'INFO', message: 'calling the API again in a moment' },
        { level: 'INFO', message: 'Waiting for PT0.2S' },
        { level: 'INFO', message: 'waited 0 outputs later' },
      ],
    },
  },
  {
    title: 'Bound a sleep with a timeout',
    flow: `id: sleep_timeout
namespace: company.team

tasks:
  - id: wait
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
    timeout: PT0.1S

errors:
  - id: gave_up
    type: io.kestra.plugin.core.log.Log
    message: "stopped waiting"
`,
    expect: {
      state: 'FAILED',
      logs: [
        { level: 'INFO', message: 'Waiting for PT1H' },
        { level: 'ERROR', message: "task 'wait' timed out after PT0.1S" },
        { level: 'INFO', message: 'stopped waiting' },
      ],
    },
  },
];
