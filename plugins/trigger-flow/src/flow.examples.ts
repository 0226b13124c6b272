import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Flow trigger. `flow.examples.test.ts` saves each through the engine's flow
 * check and matches it against ending executions.
 */
export const flowTriggerExamples: readonly PluginExample[] = [
  {
    // Kestra's core/src/test/resources/flows/valids/trigger-flow-listener.yaml, with the Log task.
    title: 'Start a flow when another succeeds, with its task outputs as inputs (the pre-0.15 spelling)',
    flow: `id: trigger-flow-listener
namespace: io.kestra.tests

inputs:
  - id: from-parent
    type: STRING

tasks:
  - id: only-listener
    type: io.kestra.plugin.core.log.Log
    message: "childs: {{ inputs['from-parent'] }}"

triggers:
  - id: listen-flow
    type: io.kestra.core.models.triggers.types.Flow
    inputs:
      from-parent: '{{ outputs.only.value }}'
    conditions:
      - type: io.kestra.core.models.conditions.types.ExecutionStatusCondition
        in:
          - SUCCESS
      - type: io.kestra.core.models.conditions.types.ExecutionFlowCondition
        namespace: io.kestra.tests
        flowId: trigger-flow
`,
  },
  {
    title: 'Alert when a flow of a production namespace fails',
    flow: `id: failure_alert
namespace: company.monitoring

tasks:
  - id: alert
    type: io.kestra.plugin.core.log.Log
    level: ERROR
    message: "{{ trigger.namespace }}.{{ trigger.flowId }} ended {{ trigger.state }} ({{ trigger.executionId }})"

triggers:
  - id: failed_prod_workflows
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in:
          - FAILED
          - WARNING
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: prod
        comparison: PREFIX
`,
  },
  {
    title: 'Run after an upstream flow succeeds, reading its flow outputs (preconditions)',
    flow: `id: flow_b
namespace: company.team

inputs:
  - id: rows
    type: INT

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "flow_a loaded {{ inputs.rows }} rows ({{ trigger.outputs.rows }})"

triggers:
  - id: after_flow_a
    type: io.kestra.plugin.core.trigger.Flow
    inputs:
      rows: "{{ trigger.outputs.rows }}"
    preconditions:
      id: flow_a_done
      flows:
        - namespace: company.team
          flowId: flow_a
          states: [SUCCESS]
`,
  },
  {
    title: 'Run after any flow of a namespace tree ends, filtered with where',
    flow: `id: company_watch
namespace: company.audit

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.flowId }} ended {{ trigger.state }}"

triggers:
  - id: company_flows
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: company_namespace
      where:
        - id: company
          operand: AND
          filters:
            - field: NAMESPACE
              type: STARTS_WITH
              value: company
            - field: STATE
              type: IN
              values: [SUCCESS, WARNING]
`,
  },
  {
    // Kestra's core/src/test/resources/flows/valids/flow-trigger-preconditions-flow-listen.yaml, with the Log task.
    title: 'Run once two upstream flows have both succeeded today, whichever ends first (a window of preconditions)',
    flow: `id: flow-trigger-preconditions-flow-listen
namespace: io.kestra.tests.trigger.preconditions

tasks:
  - id: only
    type: io.kestra.plugin.core.log.Log
    message: "flow-a and flow-b both ended; the last was {{ trigger.flowId }} ({{ trigger.executionId }})"

triggers:
  - id: flow
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: flow
      flows:
        - namespace: io.kestra.tests.trigger.preconditions
          flowId: flow-trigger-preconditions-flow-a
          states: [SUCCESS, WARNING, FAILED]
        - namespace: io.kestra.tests.trigger.preconditions
          flowId: flow-trigger-preconditions-flow-b
          states: [SUCCESS]
      where:
        - id: flow1
          filters:
            - field: NAMESPACE
              type: STARTS_WITH
              value: io.kestra.tests.trigger
            - field: FLOW_ID
              type: EQUAL_TO
              value: flow-trigger-preconditions-flow-a
            - field: EXPRESSION
              type: IS_TRUE
              value: "{{ labels.some == 'label' }}"
        - id: flow2
          filters:
            - field: NAMESPACE
              type: ENDS_WITH
              value: trigger.preconditions
            - field: FLOW_ID
              type: EQUAL_TO
              value: flow-trigger-preconditions-flow-b
`,
  },
  {
    title: 'Run when the morning loads have all succeeded between 06:00 and 09:00 UTC, every time they do',
    flow: `id: morning_report
namespace: company.reports

tasks:
  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "orders and stock loaded; {{ trigger.flowId }} was last"

triggers:
  - id: after_loads
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: morning_loads
      resetOnSuccess: false
      timeWindow:
        type: DAILY_TIME_WINDOW
        startTime: "06:00"
        endTime: "09:00"
      flows:
        - namespace: company.loads
          flowId: orders
        - namespace: company.loads
          flowId: stock
`,
  },
];
