import { isSluiceError, type PluginLogger, type TriggerContext, type WebhookRequest, type WebhookResponsePolicy } from '@sluice/core';
import { createExecution } from '../execution/index.js';
import { isTruthy, renderDeep, renderTemplate, type ExpressionFunctions } from '../expression/index.js';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import { prepareProps, type PluginRegistry, type RegisteredTrigger } from '../plugins/index.js';
import { createSecretReader, maskSecrets, type SecretProvider } from '../secrets/index.js';
import { maskedLogger, silentLogger } from './loggers.js';

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
  const secrets = createSecretReader(input.secrets);
  const variables = {
    flow: { id: flow.id, namespace: flow.namespace, revision: flow.revision, tenantId: flow.tenantId },
    trigger: { id: trigger.id, type: trigger.type },
    vars: flow.variables,
  };
  const functions: ExpressionFunctions = { secret: (name) => secrets.read(name), ...(input.now ? { now: () => input.now as Date } : {}) };
  const props = renderProps(entry, trigger, variables, functions, (where) =>
    logger.warn(`webhook trigger '${trigger.id}' of flow ${flow.namespace}.${flow.id} skipped: its properties failed to render (${where})`));
  if (!props) return undefined;

  const render = (template: string, extra?: Readonly<Record<string, unknown>>) =>
    renderTemplate(template, extra ? { ...variables, ...extra } : variables, { functions });
  const ctx: TriggerContext = {
    ids: { tenantId: flow.tenantId, namespace: flow.namespace, flowId: flow.id, flowRevision: flow.revision, triggerId: trigger.id },
    // The request key is masked too: when it matches, it is the trigger's secret.
    logger: maskedLogger(logger, (text) => maskSecrets(text, [...secrets.values(), input.request.key])),
    signal: input.signal ?? new AbortController().signal,
    secret: (name) => secrets.read(name),
    render,
    test: (template, extra) => isTruthy(render(template, extra)),
  };
  const decision = await entry.definition.receive(ctx, props, input.request);
  switch (decision.kind) {
    case 'not-matched':
      return undefined;
    case 'skip':
      return { kind: 'skip' };
    case 'invalid':
      return { kind: 'invalid', errors: decision.errors };
    case 'start':
      return start(input, flow, { id: trigger.id, type: entry.type }, decision);
  }
}

function start(input: DispatchWebhookInput, flow: FlowRevision, trigger: { id: string; type: string }, decision: {
  readonly variables: unknown; readonly inputs?: Readonly<Record<string, unknown>>;
  readonly labels?: readonly { readonly key: string; readonly value: string }[]; readonly response?: WebhookResponsePolicy;
}): WebhookDispatch {
  const variables = typeof decision.variables === 'object' && decision.variables !== null && !Array.isArray(decision.variables)
    ? (decision.variables as Record<string, unknown>)
    : {};
  try {
    const execution = createExecution({
      flow,
      trigger: { id: trigger.id, type: trigger.type, variables },
      ...(decision.inputs ? { inputs: decision.inputs } : {}),
      ...(decision.labels ? { labels: decision.labels } : {}),
      from: 'trigger',
      ...(input.now ? { now: input.now } : {}),
    });
    return { kind: 'start', execution, ...(decision.response ? { response: decision.response } : {}) };
  } catch (error) {
    if (isSluiceError(error) && error.code === 'EXECUTION_INPUTS_INVALID') {
      return { kind: 'invalid', errors: error.details.errors as { path: string; message: string }[] };
    }
    throw error;
  }
}

// The warning names where rendering failed, never a message: messages may quote the rendered
// value or the template, and either may be the key.
function renderProps(
  entry: RegisteredTrigger, trigger: FlowTrigger, variables: Readonly<Record<string, unknown>>, functions: ExpressionFunctions,
  warn: (where: string) => void,
): Record<string, unknown> | undefined {
  try {
    const prepared = prepareProps(entry, trigger.props, (value) => renderDeep(value, variables, { functions }));
    if (prepared.ok) return prepared.props;
    warn(prepared.errors.map((e) => e.path).join(', '));
  } catch (error) {
    warn(isSluiceError(error) ? describePosition(error.code, error.details) : 'render error');
  }
  return undefined;
}

function describePosition(code: string, details: Readonly<Record<string, unknown>>): string {
  const { line, column } = details;
  return typeof line === 'number' && typeof column === 'number' ? `${code} at line ${line}, column ${column}` : code;
}
