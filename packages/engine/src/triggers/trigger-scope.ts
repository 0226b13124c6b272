import { isSluiceError, type PluginLogger, type TriggerContext } from '@sluice/core';
import { hasTemplate, isTruthy, renderDeep, renderTemplate, type ExpressionFunctions } from '../expression/index.js';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import { prepareProps, type RegisteredTrigger } from '../plugins/index.js';
import { createSecretReader, maskSecrets, type SecretProvider } from '../secrets/index.js';
import { maskedLogger } from '../webhook/loggers.js';
import { createExecution } from '../execution/index.js';
import type { Execution } from '../model/execution.js';
import type { PluginRegistry } from '../plugins/index.js';
import { deepFreeze } from '../support/index.js';

/** A trigger's rendered props, and the context its plugin gets. */
export interface TriggerScope {
  readonly props: Record<string, unknown>;
  readonly ctx: TriggerContext;
}

/**
 * Renders the host-rendered props of a trigger with the flow's variables (`flow`,
 * `trigger.id/type`, `vars`, `secret()`), applies defaults and validates them, then builds the
 * context its plugin gets: the one place webhook dispatch and schedule firing share. Returns the
 * problems when the props cannot be prepared; a render error is reported by code and position
 * only, since its message may quote the template or a rendered secret. `masked` adds values to
 * hide from the trigger's log lines besides the secrets it reads (a webhook's request key).
 */
export function triggerScope(input: {
  readonly flow: FlowRevision;
  readonly trigger: FlowTrigger;
  readonly entry: RegisteredTrigger;
  readonly secrets: SecretProvider;
  readonly logger: PluginLogger;
  readonly now?: Date;
  readonly signal?: AbortSignal;
  readonly masked?: readonly string[];
  /** Counts an event the plugin rejected (`ctx.reject`), after it was logged; poll and listen runners pass it. */
  readonly onReject?: (reason: string) => void;
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
    prepared = fixedProps(trigger, entry) ?? prepareProps(entry, trigger.props, (value) => renderDeep(value, variables, { functions }));
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: isSluiceError(error) ? describePosition(error.code, error.details) : 'render error' }] };
  }
  if (!prepared.ok) return { ok: false, errors: prepared.errors };
  const render = (template: string, extra?: Readonly<Record<string, unknown>>) =>
    renderTemplate(template, extra ? { ...variables, ...extra } : variables, { functions });
  // Most triggers never look at their signal; an AbortController is among the costlier objects
  // Node makes, so it is made on first read.
  let signal = input.signal;
  const logger = maskedLogger(input.logger, (text) => maskSecrets(text, [...secrets.values(), ...(input.masked ?? [])]));
  const ctx: TriggerContext = {
    ids: { tenantId: flow.tenantId, namespace: flow.namespace, flowId: flow.id, flowRevision: flow.revision, triggerId: trigger.id },
    logger,
    reject: (reason) => {
      logger.error(reason);
      input.onReject?.(reason);
    },
    get signal() {
      signal ??= new AbortController().signal;
      return signal;
    },
    secret: (name) => secrets.read(name),
    render,
    test: (template, extra) => isTruthy(render(template, extra)),
  };
  return { ok: true, scope: { props: prepared.props, ctx } };
}

/**
 * Props prepared once per trigger of a revision, for triggers whose props hold no template: with
 * nothing to render, what preparing them gives (defaults, validation) can never change, and a
 * webhook would otherwise clone, walk, default and validate them on every request. Revisions are
 * immutable, so the trigger object is the key; the props are frozen, since every request of the
 * revision shares them.
 *
 * A Map, not a WeakMap: V8 revisits a large WeakMap at every young-generation collection, and at
 * 10,000 flows that cost more CPU per request than the cache saved (measured: scavenges took
 * 1.5 to 1.9 times as long). Triggers of revisions no longer live stay until the map is full; then it
 * starts again. The bound is twice the most flows measured, and an entry holds only the trigger
 * and its prepared props.
 */
const fixed = new Map<FlowTrigger, { readonly entry: RegisteredTrigger; readonly prepared: ReturnType<typeof prepareProps> }>();
const FIXED_MAX = 20_000;

function fixedProps(trigger: FlowTrigger, entry: RegisteredTrigger): ReturnType<typeof prepareProps> | undefined {
  const cached = fixed.get(trigger);
  if (cached?.entry === entry) return cached.prepared;
  if (!templateFree(trigger.props, 0)) return undefined;
  const prepared = deepFreeze(prepareProps(entry, trigger.props, (value) => value));
  if (fixed.size >= FIXED_MAX) fixed.clear();
  fixed.set(trigger, { entry, prepared });
  return prepared;
}

/** True when no string in `value` holds template markup (bounded: a deep value counts as templated). */
function templateFree(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return !hasTemplate(value);
  if (depth > 32) return false;
  if (Array.isArray(value)) return value.every((item) => templateFree(item, depth + 1));
  if (typeof value === 'object' && value !== null) return Object.values(value).every((item) => templateFree(item, depth + 1));
  return true;
}

function describePosition(code: string, details: Readonly<Record<string, unknown>>): string {
  const { line, column } = details;
  return typeof line === 'number' && typeof column === 'number' ? `${code} at line ${line}, column ${column}` : code;
}

/** What a trigger decided to start, as the fields the execution takes from it. */
export interface StartFields {
  readonly variables: unknown;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly labels?: readonly { readonly key: string; readonly value: string }[];
}

/**
 * The execution a trigger's start decision makes, through the one constructor every start
 * goes through; inputs the flow refuses come back as `invalid` with every error, for a 422.
 */
export function executionFromDecision(input: {
  readonly flow: FlowRevision;
  readonly trigger: { readonly id: string; readonly type: string };
  readonly decision: StartFields;
  readonly from: 'trigger' | 'schedule';
  readonly now?: Date;
  readonly id?: string;
}): { kind: 'start'; execution: Execution } | { kind: 'invalid'; errors: readonly { path: string; message: string }[] } {
  const { decision } = input;
  const variables = typeof decision.variables === 'object' && decision.variables !== null && !Array.isArray(decision.variables)
    ? (decision.variables as Record<string, unknown>)
    : {};
  try {
    const execution = createExecution({
      flow: input.flow,
      trigger: { id: input.trigger.id, type: input.trigger.type, variables },
      ...(decision.inputs ? { inputs: decision.inputs } : {}),
      ...(decision.labels ? { labels: decision.labels } : {}),
      from: input.from,
      ...(input.now ? { now: input.now } : {}),
      ...(input.id ? { id: input.id } : {}),
    });
    return { kind: 'start', execution };
  } catch (error) {
    if (isSluiceError(error, 'EXECUTION_INPUTS_INVALID')) {
      return { kind: 'invalid', errors: error.details.errors as { path: string; message: string }[] };
    }
    throw error;
  }
}

/** What the host hands a trigger's firing besides the event: shared by schedule ticks and Flow triggers. */
export interface TriggerFiringInput {
  readonly triggerId: string;
  readonly registry: PluginRegistry;
  readonly secrets: SecretProvider;
  /** The creation instant of the execution; the clock by default. */
  readonly now?: Date;
  /** Where the trigger's own lines and the reasons for skipping go; nowhere by default. */
  readonly logger?: PluginLogger;
}

/** What an event means for one trigger; only `start` makes an execution, which the host stores and queues. */
export type TriggerFiring =
  | { readonly kind: 'not-found'; readonly reason: string }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly errors: readonly { readonly path: string; readonly message: string }[] }
  | { readonly kind: 'start'; readonly execution: Execution };
