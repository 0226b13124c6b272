import { EXPRESSION_CONDITION_TYPES, expressionConditionSchema, type Static } from '@sluice/core';
import { scheduleErrors } from './errors.js';

export { EXPRESSION_CONDITION_TYPES, evaluateConditions } from '@sluice/core';

/**
 * One entry of `conditions`: Kestra's expression condition. Kestra's calendar conditions
 * (DayWeek, DayWeekInMonth, Weekend, TimeBetween, ...) are not supported yet: an expression on
 * `trigger.date` does the same.
 */
export const ScheduleCondition = expressionConditionSchema('the tick', "{{ trigger.date | date('EEEE') != 'Sunday' }}");
/** One entry of `conditions`. */
export type ScheduleCondition = Static<typeof ScheduleCondition>;

/** Throws when `conditions` holds a type the trigger cannot evaluate: ignoring one would start flows it guards. */
export function assertSupportedConditions(conditions: readonly { readonly type: string }[]): void {
  conditions.forEach((condition, index) => {
    if (!(EXPRESSION_CONDITION_TYPES as readonly string[]).includes(condition.type)) {
      throw scheduleErrors.SCHEDULE_UNSUPPORTED_CONDITION(condition.type, { details: { path: `conditions[${index}].type` } });
    }
  });
}
