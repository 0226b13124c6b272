import type { PluginLogger, TObject, TSchema, WebhookRequest, WebhookResponsePolicy, WebhookTrigger } from '@sluice/core';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import type { PluginRegistry, RegisteredTrigger } from '../plugins/index.js';
import type { SecretProvider } from '../secrets/index.js';
import { executionFromDecision, triggerScope } from '../triggers/trigger-scope.js';
import { silentLogger } from './loggers.js';

/** One webhook request for one flow, as the host's route found it. */
export interface DispatchWebhookInput {
  /** The latest revision, as found by the host's index; undefined when there is none. */
  readonly flow: FlowRevision | undefined;
  readonly registry: PluginRegistry;
  readonly request: WebhookRequest;
  readonly secrets: SecretProvider;
  /** The tenant of the route; a flow of another tenant is not found. */
  readonly tenantId: string;
  readonly now?: Date;
  /** Where skipped triggers and the trigger plugins' own lines go; nowhere by default. */
  readonly logger?: PluginLogger;
  /** Handed to the trigger as `ctx.signal`: the request was aborted or the host is stopping. */
  readonly signal?: AbortSignal;
}

/** What a webhook request means; the host maps it to 404, 204, 422 or 200. */
export type WebhookDispatch =
  | { readonly kind: 'not-found' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'invalid'; readonly errors: readonly { readonly path: string; readonly message: string }[] }
  | { readonly kind: 'start'; readonly execution: Execution; readonly response?: WebhookResponsePolicy };

// One value for every "no": an unknown flow, a disabled flow or trigger and a wrong key must be
// indistinguishable to a caller probing for flows (Kestra 2.0 does the same).
const NOT_FOUND: WebhookDispatch = Object.freeze({ kind: 'not-found' });

/**
 * Decides what a webhook request means for a flow: tries the flow's enabled webhook triggers in
 * order, renders each one's host-rendered props (a trigger whose props fail to render is
 * skipped with a warning that never includes the key), and asks the trigger. The first trigger
 * that does not answer `not-matched` decides. A start gives a new execution, not stored: the
 * host stores it, then queues it. A throwing trigger plugin rejects (the host answers 500).
 */
export async function dispatchWebhook(input: DispatchWebhookInput): Promise<WebhookDispatch> {
  const { flow } = input;
  if (!flow || flow.disabled || flow.deleted || flow.tenantId !== input.tenantId) return NOT_FOUND;
  const logger = input.logger ?? silentLogger;
  for (const trigger of flow.triggers) {
    if (trigger.disabled) continue;
    const entry = input.registry.trigger(trigger.type);
    if (!entry) continue;
    const decision = await ask(input, flow, trigger, entry, logger);
    if (decision) return decision;
  }
  return NOT_FOUND;
}

async function ask(input: DispatchWebhookInput, flow: FlowRevision, trigger: FlowTrigger, entry: RegisteredTrigger, logger: PluginLogger): Promise<WebhookDispatch | undefined> {
  // Only webhook triggers answer requests; a schedule with a `key`-looking prop is not one.
  if (entry.definition.mode !== 'webhook') return undefined;
  const prepared = triggerScope({
    flow, trigger, entry, secrets: input.secrets, logger,
    // The request key is masked too: when it matches, it is the trigger's secret.
    masked: [input.request.key],
    ...(input.now ? { now: input.now } : {}), ...(input.signal ? { signal: input.signal } : {}),
  });
  if (!prepared.ok) {
    // The warning names where rendering failed, never a message: messages may quote the
    // rendered value or the template, and either may be the key.
    const where = prepared.errors.map((e) => (e.path === '' ? e.message : e.path)).join(', ');
    logger.warn(`webhook trigger '${trigger.id}' of flow ${flow.namespace}.${flow.id} skipped: its properties failed to render (${where})`);
    return undefined;
  }
  const definition = entry.definition as WebhookTrigger<TObject, TSchema>;
  const decision = await definition.receive(prepared.scope.ctx, prepared.scope.props, input.request);
  switch (decision.kind) {
    case 'not-matched':
      return undefined;
    case 'skip':
      return { kind: 'skip' };
    case 'invalid':
      return { kind: 'invalid', errors: decision.errors };
    case 'start': {
      const made = executionFromDecision({ flow, trigger: { id: trigger.id, type: entry.type }, decision, from: 'trigger', ...(input.now ? { now: input.now } : {}) });
      return made.kind === 'start' ? { ...made, ...(decision.response ? { response: decision.response } : {}) } : made;
    }
  }
}
