import { isSluiceError, type PluginLogger, type TriggerContext } from '@sluice/core';
import { isTruthy, renderDeep, renderTemplate, type ExpressionFunctions } from '../expression/index.js';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import { prepareProps, type RegisteredTrigger } from '../plugins/index.js';
import { createSecretReader, maskSecrets, type SecretProvider } from '../secrets/index.js';
import { maskedLogger } from '../webhook/loggers.js';

/** What rendering a schedule trigger's props needs, and the context its plugin gets. */
export interface TriggerScope {
  readonly props: Record<string, unknown>;
  readonly ctx: TriggerContext;
}

/**
 * Renders the host-rendered props of a schedule trigger with the flow's variables (`flow`,
 * `trigger.id/type`, `vars`, `secret()`), applies defaults and validates them, then builds the
 * context its plugin gets, as the webhook dispatch does. Returns the problems (paths only in the
 * log, never values) when the props cannot be prepared.
 */
export function triggerScope(input: {
  readonly flow: FlowRevision;
  readonly trigger: FlowTrigger;
  readonly entry: RegisteredTrigger;
  readonly secrets: SecretProvider;
  readonly logger: PluginLogger;
  readonly now?: Date;
  readonly signal?: AbortSignal;
}): { ok: true; scope: TriggerScope } | { ok: false; errors: readonly { path: string; message: string }[] } {
  const { flow, trigger, entry } = input;
  const secrets = createSecretReader(input.secrets);
  const variables = {
    flow: { id: flow.id, namespace: flow.namespace, revision: flow.revision, tenantId: flow.tenantId },
    trigger: { id: trigger.id, type: trigger.type },
    vars: flow.variables,
  };
  const now = input.now;
  const functions: ExpressionFunctions = { secret: (name) => secrets.read(name), ...(now ? { now: () => now } : {}) };
  let prepared: ReturnType<typeof prepareProps>;
  try {
    prepared = prepareProps(entry, trigger.props, (value) => renderDeep(value, variables, { functions }));
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: isSluiceError(error) ? error.code : 'render error' }] };
  }
  if (!prepared.ok) return { ok: false, errors: prepared.errors };
  const render = (template: string, extra?: Readonly<Record<string, unknown>>) =>
    renderTemplate(template, extra ? { ...variables, ...extra } : variables, { functions });
  const ctx: TriggerContext = {
    ids: { tenantId: flow.tenantId, namespace: flow.namespace, flowId: flow.id, flowRevision: flow.revision, triggerId: trigger.id },
    logger: maskedLogger(input.logger, (text) => maskSecrets(text, secrets.values())),
    signal: input.signal ?? new AbortController().signal,
    secret: (name) => secrets.read(name),
    render,
    test: (template, extra) => isTruthy(render(template, extra)),
  };
  return { ok: true, scope: { props: prepared.props, ctx } };
}
