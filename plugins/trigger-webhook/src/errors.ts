import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the Webhook trigger raises. The flow schema already refuses these conditions when a
 * flow is saved; the trigger checks again at run time because a host may hand it props that
 * skipped validation, and a condition it cannot evaluate must never let a request through.
 */
export const webhookErrors = defineErrorCatalog({
  /** Kestra's own message (WebhookValidator), kept word for word. */
  WEBHOOK_MULTIPLE_CONDITION: () => 'invalid webhook: conditions of type MultipleCondition are not supported',
  /** A condition type other than the expression conditions. */
  WEBHOOK_UNSUPPORTED_CONDITION: (type: string) =>
    `invalid webhook: condition type '${type}' is not supported; use io.kestra.plugin.core.condition.ExpressionCondition or \`when\``,
  /** A JSON body nested deeper than the trigger takes; the request is refused (422) before the body is parsed. */
  WEBHOOK_BODY_TOO_DEEP: (limit: number) => `the JSON body is nested deeper than ${limit} levels`,
});
