import type { TSchema } from '@sinclair/typebox';
import { coreErrors } from './errors.js';

const MODES: Readonly<Record<string, readonly string[]>> = {
  webhook: ['receive'],
  schedule: ['nextDate', 'fire'],
  poll: ['interval', 'poll'],
  listen: ['listen'],
  flow: ['match'],
};

// Kestra type strings: dot-separated Java-like identifiers, e.g. io.kestra.plugin.core.log.Log.
const TYPE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;


/**
 * Checks what TypeScript cannot: the rules of the contract that a plugin written in plain
 * JavaScript, or with a cast, could still break. Failing here, at import time, names the plugin;
 * failing later would name a flow.
 */
export function assertDefinition(kind: 'task' | 'flowable' | 'trigger', value: object): void {
  const definition = value as Readonly<Record<string, unknown>>;
  const name = typeof definition.type === 'string' ? definition.type : `(${kind} without a type)`;
  const fail = (problem: string): never => {
    throw coreErrors.CORE_INVALID_DEFINITION(name, problem, { details: { type: definition.type } });
  };
  if (typeof definition.type !== 'string' || !TYPE_PATTERN.test(definition.type)) {
    fail('`type` must be a dotted name such as io.kestra.plugin.core.log.Log');
  }
  for (const alias of Array.isArray(definition.aliases) ? definition.aliases : []) {
    if (typeof alias !== 'string' || !TYPE_PATTERN.test(alias)) fail(`alias ${String(alias)} is not a dotted name`);
  }
  const props = definition.props as (TSchema & { properties?: Record<string, TSchema> }) | undefined;
  if (!props || props.type !== 'object' || typeof props.properties !== 'object') fail('`props` must be a Type.Object schema');
  if (props?.additionalProperties !== false) fail('`props` must set additionalProperties: false, so typos in flows are reported');
  for (const [key, schema] of Object.entries(props?.properties ?? {})) {
    if (typeof schema.description !== 'string' || schema.description.trim() === '') fail(`prop \`${key}\` needs a description`);
  }
  if (!Array.isArray(definition.examples) || definition.examples.length === 0) fail('at least one example is required');
  if (kind === 'task') {
    if (typeof definition.run !== 'function') fail('a task needs a run(ctx, props) function');
    if (definition.sideEffectFree !== undefined && typeof definition.sideEffectFree !== 'boolean') fail('`sideEffectFree` must be true or false');
    return;
  }
  if (kind === 'flowable') {
    if (typeof definition.plan !== 'function') fail('a flowable task needs a plan(ctx, props) function');
    return;
  }
  const methods = typeof definition.mode === 'string' ? MODES[definition.mode] : undefined;
  if (!methods) fail(`\`mode\` must be one of ${Object.keys(MODES).join(', ')}`);
  for (const method of methods ?? []) {
    if (typeof definition[method] !== 'function') fail(`a ${String(definition.mode)} trigger needs a ${method}() function`);
  }
}
