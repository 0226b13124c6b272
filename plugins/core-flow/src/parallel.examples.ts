import type { PluginExample } from '@sluice/core';

/** Flows that show the Parallel task; `examples.test.ts` runs each one. */
export const parallelExamples: readonly PluginExample[] = [
  {
    title: 'Run tasks at the same time, then go on',
    flow: `id: parallel
namespace: company.team

tasks:
  - id: fetch_all
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
      - id: users
        type: io.kestra.plugin.core.debug.Return
        format: "12 users"
      - id: orders
        type: io.kestra.plugin.core.debug.Return
        format: "34 orders"

  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.users.value }} and {{ outputs.orders.value }}"
`,
    expect: { logs: [{ level: 'INFO', message: '12 users and 34 orders' }] },
  },
  {
    title: 'Run at most two branches at once, each branch a sequence',
    flow: `id: parallel_limited
namespace: company.team

tasks:
  - id: branches
    type: io.kestra.plugin.core.flow.Parallel
    concurrent: 2
    tasks:
      - id: first_branch
        type: io.kestra.plugin.core.flow.Sequential
        tasks:
          - id: a1
            type: io.kestra.plugin.core.log.Log
            message: "a, step 1"
          - id: a2
            type: io.kestra.plugin.core.log.Log
            message: "a, step 2"
      - id: b
        type: io.kestra.plugin.core.log.Log
        message: "b"
      - id: c
        type: io.kestra.plugin.core.log.Log
        message: "c"
`,
    expect: { logs: [{ level: 'INFO', message: 'a, step 1' }, { level: 'INFO', message: 'a, step 2' }] },
  },
];
