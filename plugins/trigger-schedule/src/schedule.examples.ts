import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Schedule trigger, each with what its first tick must produce.
 * `schedule.examples.test.ts` fires the first tick after 2024-07-01T06:00:00Z through the
 * engine's schedule firing (`runExamples` with a fixed clock) and runs the execution.
 */
export const scheduleExamples: readonly PluginExample[] = [
  {
    // Kestra's first Schedule example, with the Log task instead of a shell script.
    title: 'Start a flow every 15 minutes',
    flow: `id: scheduled_flow
namespace: company.team

tasks:
  - id: log_date
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.date ?? execution.startDate }}"

triggers:
  - id: every_15_minutes
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "*/15 * * * *"
`,
    expect: {
      triggerVariables: { date: '2024-07-01T06:15:00Z', next: '2024-07-01T06:30:00Z', previous: '2024-07-01T06:00:00Z' },
      logs: [{ level: 'INFO', message: '2024-07-01T06:15:00Z' }],
    },
  },
  {
    title: 'Start a flow every day at 6:30 AM',
    flow: `id: daily_flow
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: It's {{ trigger.date | date("HH:mm") }}

triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: 30 6 * * *
`,
    expect: {
      triggerVariables: { date: '2024-07-01T06:30:00Z', next: '2024-07-02T06:30:00Z', previous: '2024-06-30T06:30:00Z' },
      logs: [{ level: 'INFO', message: "It's 06:30" }],
    },
  },
  {
    title: 'Start a flow every hour with the cron nickname @hourly',
    flow: `id: hourly_flow
namespace: company.team

tasks:
  - id: log_hello_world
    type: io.kestra.plugin.core.log.Log
    message: Hello World! 🚀

triggers:
  - id: hourly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "@hourly"
`,
    expect: { triggerVariables: { date: '2024-07-01T07:00:00Z' }, logs: [{ level: 'INFO', message: 'Hello World! 🚀' }] },
  },
  {
    title: 'Start a flow every 10 seconds with withSeconds',
    flow: `id: every_ten_seconds
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "tick {{ trigger.date }}, next {{ trigger.next }}"

triggers:
  - id: every_10_seconds
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "*/10 * * * * *"
    withSeconds: true
`,
    expect: {
      triggerVariables: { date: '2024-07-01T06:00:10Z', next: '2024-07-01T06:00:20Z', previous: '2024-07-01T06:00:00Z' },
      logs: [{ level: 'INFO', message: 'tick 2024-07-01T06:00:10Z, next 2024-07-01T06:00:20Z' }],
    },
  },
  {
    title: 'Read the cron expression in a time zone: 9:00 in Paris',
    flow: `id: paris_morning
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "Bonjour, it is {{ trigger.date }}"

triggers:
  - id: nine_in_paris
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 9 * * *"
    timezone: Europe/Paris
`,
    expect: {
      triggerVariables: { date: '2024-07-01T09:00:00+02:00', next: '2024-07-02T09:00:00+02:00' },
      logs: [{ level: 'INFO', message: 'Bonjour, it is 2024-07-01T09:00:00+02:00' }],
    },
  },
  {
    title: "Feed the flow's inputs from the tick's date",
    flow: `id: daily_report
namespace: company.team

inputs:
  - id: day
    type: STRING

tasks:
  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "Report for {{ inputs.day }}"

triggers:
  - id: daily
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "@daily"
    inputs:
      day: "{{ trigger.date | date('yyyy-MM-dd') }}"
`,
    expect: { triggerVariables: { date: '2024-07-02T00:00:00Z' }, logs: [{ level: 'INFO', message: 'Report for 2024-07-02' }] },
  },
  {
    title: 'A condition skips ticks: only at 6:15 (status 204: nothing started)',
    flow: `id: quarter_past_only
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "quarter past"

triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "*/5 * * * *"
    conditions:
      - type: io.kestra.plugin.core.condition.ExpressionCondition
        expression: "{{ trigger.date | date('mm') == '15' }}"
`,
    expect: { status: 204 },
  },
  {
    // 2024-07-01 is a Monday; in Paris its first 8:00 tick is 06:00Z.
    title: 'Calendar conditions: weekday mornings in Paris between 8 and 10, except public holidays',
    flow: `id: business_mornings
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "business hours: {{ trigger.date }}"

triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 * * * *"
    timezone: Europe/Paris
    conditions:
      - type: io.kestra.plugin.core.condition.Not
        conditions:
          - type: io.kestra.plugin.core.condition.Weekend
          - type: io.kestra.plugin.core.condition.PublicHoliday
            country: FR
      - type: io.kestra.plugin.core.condition.Or
        conditions:
          - type: io.kestra.plugin.core.condition.DayWeek
            dayOfWeek: MONDAY
          - type: io.kestra.plugin.core.condition.DayWeekInMonth
            dayOfWeek: FRIDAY
            dayInMonth: LAST
      - type: io.kestra.plugin.core.condition.TimeBetween
        after: "07:59:00+02:00"
        before: "10:00:00+02:00"
`,
    expect: { triggerVariables: { date: '2024-07-01T09:00:00+02:00' }, logs: [{ level: 'INFO', message: 'business hours: 2024-07-01T09:00:00+02:00' }] },
  },
  {
    title: "Kestra 2.0's when: the tick starts the flow only when it is truthy",
    flow: `id: weekdays_only
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "a weekday: {{ trigger.date | date('EEEE') }}"

triggers:
  - id: daily
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 8 * * *"
    when: "{{ trigger.date | date('EEEE') != 'Saturday' and trigger.date | date('EEEE') != 'Sunday' }}"
`,
    expect: { triggerVariables: { date: '2024-07-01T08:00:00Z' }, logs: [{ level: 'INFO', message: 'a weekday: Monday' }] },
  },
];
