import type { ExampleRequest, WebhookRequest } from '@sluice/core';
import { renderTemplate, type Flow, type PluginRegistry, type SecretProvider } from '@sluice/engine';
import { webhookRequest } from './webhook-request.js';

/**
 * The request an example describes, as the host would hand it over. A string body is sent as
 * is (with only the content type the example sets); anything else is sent as JSON.
 */
export function exampleToRequest(request: ExampleRequest, key: string): WebhookRequest {
  const base = {
    method: request.method ?? 'POST',
    key,
    ...(request.headers === undefined ? {} : { headers: request.headers }),
    ...(request.query === undefined ? {} : { query: request.query }),
  };
  if (request.body === undefined) return webhookRequest(base);
  if (typeof request.body === 'string') return webhookRequest({ ...base, text: request.body });
  return webhookRequest({ ...base, json: request.body });
}

/**
 * The key an example request omits: that of the flow's first webhook trigger, rendered as the
 * host renders it (with `flow`, the trigger's ids and `secret()`), then trimmed. `undefined`
 * when the flow has no webhook trigger with a key.
 */
export function defaultWebhookKey(flow: Flow, registry: PluginRegistry, secrets: SecretProvider): string | undefined {
  for (const trigger of flow.triggers) {
    const entry = registry.trigger(trigger.type);
    const key = trigger.props.key;
    if (entry?.definition.mode !== 'webhook' || typeof key !== 'string') continue;
    const variables = {
      flow: { id: flow.id, namespace: flow.namespace, tenantId: flow.tenantId },
      trigger: { id: trigger.id, type: trigger.type },
    };
    const secret = (name: string): string => {
      const value = secrets(name);
      if (value === undefined) throw new Error(`secret '${name}' is not defined; pass it in runExamples' options.secrets`);
      return value;
    };
    return renderTemplate(key, variables, { functions: { secret } }).trim();
  }
  return undefined;
}
