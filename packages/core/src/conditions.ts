import { Type, type Static } from '@sinclair/typebox';
import type { BaseContext } from './context.js';
import { Dynamic } from './schema.js';

/**
 * Kestra's expression condition under its 1.x name, its short 2.0 name and its pre-0.15 name.
 * Each holds one template; the trigger's start is allowed only when it renders truthy.
 * @public
 */
export const EXPRESSION_CONDITION_TYPES = [
  'io.kestra.plugin.core.condition.ExpressionCondition',
  'io.kestra.plugin.core.condition.Expression',
  'io.kestra.core.models.conditions.types.VariableCondition',
] as const;

/**
 * The schema of one Kestra 1.x expression condition, for a trigger's `conditions` list.
 * `what` names what the condition is evaluated for ("the request", "the tick"), and
 * `example` is a template shown in its description.
 *
 * The expression is rendered by the plugin, with variables only it has; the marker sits on the
 * expression rather than on the list, so a flow author who writes a wrong condition type is
 * told about that type, not that "the list could be a template".
 * @public
 */
export function expressionConditionSchema(what: string, example: string, typeNote = '') {
  return Type.Object(
    {
      type: Type.Union(EXPRESSION_CONDITION_TYPES.map((type) => Type.Literal(type)), {
        description: `The condition type: an expression condition.${typeNote ? ` ${typeNote}` : ''}`,
      }),
      expression: Dynamic(
        Type.String({ description: `A template evaluated with ${what}'s variables, e.g. \`${example}\`; ${what} starts the flow only when it is truthy.` }),
        { renderedBy: 'plugin' },
      ),
    },
    { additionalProperties: false, description: `A condition ${what} must meet.` },
  );
}

/** One expression condition. @public */
export type ExpressionCondition = Static<ReturnType<typeof expressionConditionSchema>>;

/** Whether a trigger may start the flow, or why not. @public */
export type ConditionVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Evaluates every condition, then `when` (Kestra 2.0), with `extraVariables` (e.g.
 * `{ trigger: variables }`); all must hold, as Kestra 2.0 folds several conditions into one
 * `when` joined with `and`.
 *
 * A template that fails to evaluate (say `trigger.body.x` when the body is null) counts as
 * false, as in Kestra's ConditionService: the start is skipped, not answered with an error.
 * @public
 */
export function evaluateConditions(
  ctx: Pick<BaseContext, 'test'>,
  conditions: readonly { readonly expression: string }[],
  when: string | undefined,
  extraVariables: Readonly<Record<string, unknown>>,
): ConditionVerdict {
  const checks = conditions.map((condition, index) => ({ name: `conditions[${index}]`, template: condition.expression }));
  if (when !== undefined) checks.push({ name: 'when', template: when });
  for (const { name, template } of checks) {
    let passed: boolean;
    try {
      passed = ctx.test(template, extraVariables);
    } catch (error) {
      return { ok: false, reason: `${name} could not be evaluated: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!passed) return { ok: false, reason: `${name} is false` };
  }
  return { ok: true };
}
