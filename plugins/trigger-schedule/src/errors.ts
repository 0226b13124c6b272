import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the Schedule trigger raises. They surface when the host builds a schedule from a
 * flow (the host logs them and leaves the trigger unscheduled) and in the plugin's own tests.
 */
export const scheduleErrors = defineErrorCatalog({
  SCHEDULE_INVALID_CRON: (cron: string, reason: string) => `invalid cron expression '${cron}': ${reason}`,
  SCHEDULE_INVALID_TIMEZONE: (timezone: string) => `invalid timezone '${timezone}': use an IANA time zone id such as 'Europe/Paris' or 'Etc/UTC'`,
  /** Kestra 1.x expression conditions only (the same three names as on a webhook). */
  SCHEDULE_UNSUPPORTED_CONDITION: (type: string) =>
    `condition type '${type}' is not supported on a schedule; use io.kestra.plugin.core.condition.ExpressionCondition or \`when\``,
});
