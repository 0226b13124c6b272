import { renderTemplate, type FlowRevision, type FlowTrigger } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';
import { TENANT } from '../http/api-router.js';

/** A flow's webhook trigger as people need it: its URL and a ready curl command. */
export interface WebhookTriggerInfo {
  readonly namespace: string;
  readonly flowId: string;
  readonly triggerId: string;
  readonly type: string;
  readonly disabled: boolean;
  readonly methods: readonly string[];
  /** The full URL, key included; undefined when the key cannot be rendered or comes from a secret. */
  readonly url?: string;
  /** The URL with the key masked, safe to show or log. */
  readonly maskedUrl: string;
  /** A curl command that starts the flow. */
  readonly curl?: string;
  /** Why the URL is missing. */
  readonly problem?: string;
}

/** Shows the first characters of a long key only, enough to tell keys apart. */
export function maskKey(key: string): string {
  return key.length >= 12 ? `${key.slice(0, 3)}${'*'.repeat(6)}` : '******';
}

function webhookPath(namespace: string, flowId: string, key: string): string {
  return `/api/v1/${TENANT}/executions/webhook/${encodeURIComponent(namespace)}/${encodeURIComponent(flowId)}/${encodeURIComponent(key)}`;
}

const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** A webhook trigger's key as the webhook route renders it, and whether a secret went into it. */
export type RenderedKey = { readonly ok: true; readonly key: string; readonly fromSecret: boolean } | { readonly ok: false; readonly message: string };

/**
 * Renders a webhook trigger's `key` (`{{ flow.id }}`, `{{ secret('K') }}`), trimmed, as the
 * webhook route compares it. The key is a secret: callers show it only when `fromSecret` is false.
 */
export function renderWebhookKey(s: Pick<ServerContext, 'secrets'>, flow: FlowRevision, trigger: FlowTrigger): RenderedKey {
  let fromSecret = false;
  try {
    const key = renderTemplate(String(trigger.props.key ?? ''), { flow: { id: flow.id, namespace: flow.namespace, revision: flow.revision, tenantId: flow.tenantId }, trigger: { id: trigger.id, type: trigger.type } }, {
      functions: { secret: (name) => { const value = s.secrets(name); if (value === undefined) throw new Error(`secret '${name}' is not defined`); fromSecret = true; return value; } },
    }).trim();
    return { ok: true, key, fromSecret };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/**
 * The webhook triggers of a flow, with their keys rendered as the webhook route renders them
 * (`{{ flow.id }}`, `{{ secret('K') }}`), for the API's triggers view and the start-up log.
 */
export function webhookTriggersOf(s: Pick<ServerContext, 'registry' | 'secrets' | 'baseUrl'>, flow: FlowRevision): WebhookTriggerInfo[] {
  const out: WebhookTriggerInfo[] = [];
  for (const trigger of flow.triggers) {
    const entry = s.registry.trigger(trigger.type);
    if (!entry || entry.definition.mode !== 'webhook') continue;
    const base = { namespace: flow.namespace, flowId: flow.id, triggerId: trigger.id, type: trigger.type, disabled: trigger.disabled || flow.disabled, methods: ['GET', 'POST', 'PUT'] };
    const masked = `${s.baseUrl}${webhookPath(flow.namespace, flow.id, '******')}`;
    const rendered = renderWebhookKey(s, flow, trigger);
    if (!rendered.ok) {
      out.push({ ...base, maskedUrl: masked, problem: `the key cannot be rendered: ${rendered.message}` });
      continue;
    }
    const { key, fromSecret } = rendered;
    // A key read from a secret stays one: the API never shows a secret's value, not even here.
    if (fromSecret) {
      out.push({ ...base, maskedUrl: masked, problem: 'the key comes from a secret, so the URL is not shown: put the secret\'s value in place of ******' });
      continue;
    }
    const url = `${s.baseUrl}${webhookPath(flow.namespace, flow.id, key)}`;
    out.push({
      ...base,
      url,
      maskedUrl: `${s.baseUrl}${webhookPath(flow.namespace, flow.id, maskKey(key))}`,
      curl: `curl -X POST -H 'Content-Type: application/json' -d '{"hello":"world"}' ${shellQuote(url)}`,
    });
  }
  return out;
}
