import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the Schedule trigger raises. They surface when the host builds a schedule from a
 * flow (the host logs them and leaves the trigger unscheduled) and in the plugin's own tests.
 */
export const scheduleErrors = defineErrorCatalog({
  SCHEDULE_INVALID_CRON: (cron: string, reason: string) => `invalid cron expression '${cron}': ${reason}`,
  SCHEDULE_INVALID_TIMEZONE: (timezone: string) => `invalid timezone '${timezone}': use an IANA time zone id such as 'Europe/Paris' or 'Etc/UTC'`,
  /** Expression and calendar conditions only: execution conditions make no sense on a tick. */
  SCHEDULE_UNSUPPORTED_CONDITION: (type: string) =>
    `condition type '${type}' is not supported on a schedule; use an expression condition, DayWeek, DayWeekInMonth, TimeBetween, Weekend, PublicHoliday, Not, Or or \`when\``,
});
