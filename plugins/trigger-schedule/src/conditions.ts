import { evaluateConditions, type BaseContext, type ConditionVerdict } from '@sluice/core';
import { calendarPasses, conditionKind, knownHolidayRegion, type ScheduleCondition } from './calendar-conditions.js';
import { scheduleErrors } from './errors.js';

export { EXPRESSION_CONDITION_TYPES } from '@sluice/core';
export { ScheduleCondition } from './calendar-conditions.js';

const KINDS = new Set(['Expression', 'Variable', 'DayWeek', 'DayWeekInMonth', 'TimeBetween', 'Weekend', 'PublicHoliday', 'Not', 'Or']);
const DEFAULT_DATE = '{{ trigger.date }}';

type Ctx = Pick<BaseContext, 'render' | 'test'>;

/** Throws when `conditions` holds a type the trigger cannot evaluate: ignoring one would start flows it guards. */
export function assertSupportedConditions(conditions: readonly { readonly type: string }[]): void {
  conditions.forEach((condition, index) => {
    if (!KINDS.has(conditionKind(condition.type))) {
      throw scheduleErrors.SCHEDULE_UNSUPPORTED_CONDITION(condition.type, { details: { path: `conditions[${index}].type` } });
    }
  });
}

/** What a schema cannot say about the conditions: a holiday country or subdivision the library does not know. */
export function checkConditions(conditions: readonly ScheduleCondition[]): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const visit = (condition: ScheduleCondition, path: (string | number)[]) => {
    if ('conditions' in condition) condition.conditions.forEach((child, i) => visit(child, [...path, 'conditions', i]));
    if ('country' in condition && !knownHolidayRegion(condition.country, condition.subDivision)) {
      problems.push({ path: [...path, condition.subDivision === undefined ? 'country' : 'subDivision'], message: `no public holidays are known for ${condition.country}${condition.subDivision ? `-${condition.subDivision}` : ''}` });
    }
  };
  conditions.forEach((condition, i) => visit(condition, ['conditions', i]));
  return problems;
}

/** Whether one condition passes; a template or date that fails to evaluate throws. */
function passes(ctx: Ctx, condition: ScheduleCondition, extra: Readonly<Record<string, unknown>>): boolean {
  if ('expression' in condition) return ctx.test(condition.expression, extra);
  if ('conditions' in condition) {
    const results = condition.conditions.map((child) => passes(ctx, child, extra));
    return conditionKind(condition.type) === 'Or' ? results.some(Boolean) : !results.some(Boolean);
  }
  return calendarPasses(condition, ctx.render(condition.date ?? DEFAULT_DATE, extra));
}

/**
 * Evaluates every condition in order, then `when`; all must hold. A condition that fails to
 * evaluate (a template error, a date that does not parse) counts as false, as in Kestra's
 * ConditionService: the tick is skipped.
 */
export function scheduleVerdict(ctx: Ctx, conditions: readonly ScheduleCondition[], when: string | undefined, extra: Readonly<Record<string, unknown>>): ConditionVerdict {
  for (const [index, condition] of conditions.entries()) {
    let passed: boolean;
    try {
      passed = passes(ctx, condition, extra);
    } catch (error) {
      return { ok: false, reason: `conditions[${index}] could not be evaluated: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!passed) return { ok: false, reason: `conditions[${index}] is false` };
  }
  return evaluateConditions(ctx, [], when, extra);
}
