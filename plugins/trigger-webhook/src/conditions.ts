import { EXPRESSION_CONDITION_TYPES, expressionConditionSchema, type Static } from '@sluice/core';
import { webhookErrors } from './errors.js';

export { EXPRESSION_CONDITION_TYPES, evaluateConditions } from '@sluice/core';

/** Kestra's MultipleCondition, under its current and legacy names: refused on a webhook. */
const MULTIPLE_CONDITION_TYPES: ReadonlySet<string> = new Set([
  'io.kestra.plugin.core.condition.MultipleCondition',
  'io.kestra.core.models.conditions.types.MultipleCondition',
]);

/** One entry of `conditions`. */
export const WebhookCondition = expressionConditionSchema(
  'the request',
  "{{ trigger.body.hello == 'world' }}",
  'MultipleCondition is not supported on a webhook (Kestra: "invalid webhook: conditions of type MultipleCondition are not supported").',
);
/** One entry of `conditions`. */
export type WebhookCondition = Static<typeof WebhookCondition>;

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
