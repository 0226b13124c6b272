/**
 * `@sluice/plugin-trigger-schedule`: Kestra's `io.kestra.plugin.core.trigger.Schedule` trigger.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { schedule } from './schedule.trigger.js';

export { schedule, scheduleVariables } from './schedule.trigger.js';
export { ScheduleProps, ScheduleVariables } from './schedule.schema.js';
export { ScheduleCondition, EXPRESSION_CONDITION_TYPES } from './conditions.js';
export { CRON_NICKNAMES, DEFAULT_TIMEZONE, isoInZone, nextTick, previousTick, normalizeCron } from './cron.js';
export { scheduleErrors } from './errors.js';

export default definePluginPackage({ triggers: [schedule] });
