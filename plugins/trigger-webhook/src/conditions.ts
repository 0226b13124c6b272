import { Dynamic, Type, type BaseContext, type Static } from '@sluice/core';
import { webhookErrors } from './errors.js';

/**
 * The condition types a webhook accepts. All three are Kestra's expression condition under its
 * 1.x name, its short 2.0 name, and its pre-0.15 name; each holds one template.
 */
export const EXPRESSION_CONDITION_TYPES = [
  'io.kestra.plugin.core.condition.ExpressionCondition',
  'io.kestra.plugin.core.condition.Expression',
  'io.kestra.core.models.conditions.types.VariableCondition',
] as const;

/** Kestra's MultipleCondition, under its current and legacy names: refused on a webhook. */
const MULTIPLE_CONDITION_TYPES: ReadonlySet<string> = new Set([
  'io.kestra.plugin.core.condition.MultipleCondition',
  'io.kestra.core.models.conditions.types.MultipleCondition',
]);

/** One entry of `conditions`. */
export const WebhookCondition = Type.Object(
  {
    type: Type.Union(EXPRESSION_CONDITION_TYPES.map((type) => Type.Literal(type)), {
      description:
        'The condition type: an expression condition. MultipleCondition is not supported on a webhook ' +
        '(Kestra: "invalid webhook: conditions of type MultipleCondition are not supported").',
    }),
    // The template is rendered by the trigger, with the request's variables only it has. The
    // marker sits on the expression rather than on the list, so a flow author who writes a
    // wrong condition type is told about that type, not that "the list could be a template".
    expression: Dynamic(
      Type.String({
        description: "A template evaluated with the request's variables, e.g. `{{ trigger.body.hello == 'world' }}`; the request starts the flow only when it is truthy.",
      }),
      { renderedBy: 'plugin' },
    ),
  },
  { additionalProperties: false, description: 'A condition the request must meet.' },
);
/** One entry of `conditions`. */
export type WebhookCondition = Static<typeof WebhookCondition>;

/** The verdict on a request: it may start the flow, or why not. */
export type ConditionVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Throws when `conditions` holds a type the webhook cannot evaluate, with Kestra's message for
 * MultipleCondition. Written for props that skipped schema validation; refusing beats ignoring
 * a condition and starting a flow its author meant to guard.
 */
export function assertSupportedConditions(conditions: readonly { readonly type: string }[]): void {
  conditions.forEach((condition, index) => {
    if (MULTIPLE_CONDITION_TYPES.has(condition.type)) throw webhookErrors.WEBHOOK_MULTIPLE_CONDITION({ details: { path: `conditions[${index}].type` } });
    if (!(EXPRESSION_CONDITION_TYPES as readonly string[]).includes(condition.type)) {
      throw webhookErrors.WEBHOOK_UNSUPPORTED_CONDITION(condition.type, { details: { path: `conditions[${index}].type` } });
    }
  });
}

/**
 * Evaluates every condition, then `when`, against `{ trigger: variables }`; all must hold
 * (Kestra 2.0 folds several conditions into one `when` joined with `and`).
 *
 * A template that fails to evaluate (say `trigger.body.x` when the body is null) counts as
 * false, as Kestra's ConditionService does: the request is skipped, not answered with an error.
 */
export function evaluateConditions(
  ctx: Pick<BaseContext, 'test'>,
  conditions: readonly WebhookCondition[],
  when: string | undefined,
  variables: Readonly<Record<string, unknown>>,
): ConditionVerdict {
  const checks = conditions.map((condition, index) => ({ name: `conditions[${index}]`, template: condition.expression }));
  if (when !== undefined) checks.push({ name: 'when', template: when });
  for (const { name, template } of checks) {
    let passed: boolean;
    try {
      passed = ctx.test(template, { trigger: variables });
    } catch (error) {
      return { ok: false, reason: `${name} could not be evaluated: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (!passed) return { ok: false, reason: `${name} is false` };
  }
  return { ok: true };
}
