import { Dynamic, Type, type BaseContext, type Static } from '@sluice/core';
import { scheduleErrors } from './errors.js';

/**
 * The condition types a Schedule accepts here: Kestra's expression condition under its 1.x
 * name, its short 2.0 name and its pre-0.15 name. Kestra's calendar conditions (DayWeek,
 * DayWeekInMonth, Weekend, TimeBetween, ...) are not supported yet: an expression on
 * `trigger.date` does the same.
 */
export const EXPRESSION_CONDITION_TYPES = [
  'io.kestra.plugin.core.condition.ExpressionCondition',
  'io.kestra.plugin.core.condition.Expression',
  'io.kestra.core.models.conditions.types.VariableCondition',
] as const;

/** One entry of `conditions`. */
export const ScheduleCondition = Type.Object(
  {
    type: Type.Union(EXPRESSION_CONDITION_TYPES.map((type) => Type.Literal(type)), {
      description: 'The condition type: an expression condition.',
    }),
    expression: Dynamic(
      Type.String({
        description: "A template evaluated with the tick's variables, e.g. `{{ trigger.date | date('EEEE') != 'Sunday' }}`; the tick starts the flow only when it is truthy.",
      }),
      { renderedBy: 'plugin' },
    ),
  },
  { additionalProperties: false, description: 'A condition the tick must meet.' },
);
/** One entry of `conditions`. */
export type ScheduleCondition = Static<typeof ScheduleCondition>;

/** The verdict on a tick. */
export type ConditionVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Throws when `conditions` holds a type the trigger cannot evaluate: ignoring one would start flows it guards. */
export function assertSupportedConditions(conditions: readonly { readonly type: string }[]): void {
  conditions.forEach((condition, index) => {
    if (!(EXPRESSION_CONDITION_TYPES as readonly string[]).includes(condition.type)) {
      throw scheduleErrors.SCHEDULE_UNSUPPORTED_CONDITION(condition.type, { details: { path: `conditions[${index}].type` } });
    }
  });
}

/**
 * Evaluates every condition, then `when`, with `extra` (the tick's variables as `trigger` and,
 * as Kestra also names them, `schedule`); all must hold. One that fails to evaluate counts as
 * false, as in Kestra's ConditionService.
 */
export function evaluateConditions(
  ctx: Pick<BaseContext, 'test'>,
  conditions: readonly ScheduleCondition[],
  when: string | undefined,
  extra: Readonly<Record<string, unknown>>,
): ConditionVerdict {
  const checks = conditions.map((condition, index) => ({ name: `conditions[${index}]`, template: condition.expression }));
  if (when !== undefined) checks.push({ name: 'when', template: when });
  for (const { name, template } of checks) {
    let passed: boolean;
    try {
      passed = ctx.test(template, extra);
    } catch (error) {
      return { ok: false, reason: `${name} could not be evaluated: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!passed) return { ok: false, reason: `${name} is false` };
  }
  return { ok: true };
}
