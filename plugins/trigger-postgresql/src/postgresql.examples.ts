import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the PostgreSQL query Trigger, each with the `trigger.*` variables its first
 * poll gives on the table `postgresql.examples.test.ts` fills (in a schema of its own, renamed
 * from `public`, on the PostgreSQL at 127.0.0.1). Each flow is saved through `parseFlow` first.
 */
export const postgresExamples: readonly PluginExample[] = [
  {
    // Kestra's example: every row of the query, each handled by a ForEach in Kestra's version.
    title: 'Start a flow with the rows a query returns',
    flow: `id: jdbc_trigger
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.size }} new order(s), first {{ trigger.rows[0].id }}"

triggers:
  - id: watch
    type: io.kestra.plugin.jdbc.postgresql.Trigger
    url: jdbc:postgresql://localhost:5432/test
    username: postgres
    password: "{{ secret('PG_PASSWORD') }}"
    sql: SELECT id, amount FROM public.orders WHERE handled_at IS NULL ORDER BY id
    interval: PT30S
    fetchType: FETCH
`,
    expect: {
      triggerVariables: { size: 2, rows: [{ id: 1, amount: 9.5 }, { id: 2, amount: 20 }] },
      logs: [{ level: 'INFO', message: '2 new order(s), first 1' }],
    },
  },
  {
    title: 'The first row only, a named parameter, and afterSQL marking the rows handled',
    flow: `id: jdbc_one
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "order {{ trigger.row.id }} of {{ trigger.row.amount }}"

triggers:
  - id: big_orders
    type: io.kestra.plugin.jdbc.postgresql.Trigger
    url: jdbc:postgresql://localhost:5432/test?user=postgres
    sql: |
      SELECT id, amount
      FROM public.orders
      WHERE handled_at IS NULL AND amount >= :minimum
      ORDER BY id
    afterSQL: UPDATE public.orders SET handled_at = now() WHERE handled_at IS NULL AND amount >= :minimum
    parameters:
      minimum: 10
    fetchType: FETCH_ONE
    interval: PT1M
`,
    expect: { triggerVariables: { size: 1, row: { id: 2, amount: 20 } }, logs: [{ level: 'INFO', message: 'order 2 of 20' }] },
  },
];
