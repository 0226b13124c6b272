import type { PluginExample } from '@sluice/core';

/** Flows that show the Dag task; `examples.test.ts` runs each one. */
export const dagExamples: readonly PluginExample[] = [
  {
    title: 'Extract two sources at once, then join them',
    flow: `id: dag
namespace: company.team

tasks:
  - id: pipeline
    type: io.kestra.plugin.core.flow.Dag
    tasks:
      - task:
          id: join
          type: io.kestra.plugin.core.log.Log
          message: "joining {{ outputs.users.value }} and {{ outputs.orders.value }}"
        dependsOn: [users, orders]
      - task:
          id: users
          type: io.kestra.plugin.core.debug.Return
          format: "users"
      - task:
          id: orders
          type: io.kestra.plugin.core.debug.Return
          format: "orders"
`,
    expect: { logs: [{ level: 'INFO', message: 'joining users and orders' }] },
  },
];
