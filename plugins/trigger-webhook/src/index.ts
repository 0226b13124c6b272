/**
 * `@sluice/plugin-trigger-webhook`: Kestra's `io.kestra.plugin.core.trigger.Webhook` trigger.
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { webhook } from './webhook.trigger.js';

export { webhook } from './webhook.trigger.js';
export { WebhookProps, WebhookVariables } from './webhook.schema.js';
export { WebhookCondition, EXPRESSION_CONDITION_TYPES } from './conditions.js';
export { webhookErrors } from './errors.js';

export default definePluginPackage({ triggers: [webhook] });
