import type { PluginExample } from '@sluice/core';

/** Flows that show the Sequential task; `examples.test.ts` runs each one. */
export const sequentialExamples: readonly PluginExample[] = [
  {
    title: 'Run a group of tasks in order',
    flow: `id: sequential
namespace: company.team

tasks:
  - id: group
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: first
        type: io.kestra.plugin.core.debug.Return
        format: "one"
      - id: second
        type: io.kestra.plugin.core.log.Log
        message: "{{ outputs.first.value }}, then two"

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "the group ended"
`,
    expect: { logs: [{ level: 'INFO', message: 'one, then two' }, { level: 'INFO', message: 'the group ended' }] },
  },
  {
    title: 'Give a group its own errors and finally',
    flow: `id: sequential_handlers
namespace: company.team

tasks:
  - id: group
    type: io.kestra.plugin.core.flow.Sequential
    tasks:
      - id: broken
        type: io.kestra.plugin.core.execution.Fail
        errorMessage: "the upstream system said no"
    errors:
      - id: on_error
        type: io.kestra.plugin.core.log.Log
        level: WARN
        message: "the group failed"
    finally:
      - id: cleanup
        type: io.kestra.plugin.core.log.Log
        message: "cleaning up"
`,
    expect: { state: 'FAILED', logs: [{ level: 'WARN', message: 'the group failed' }, { level: 'INFO', message: 'cleaning up' }] },
  },
];
