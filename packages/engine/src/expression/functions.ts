/**
 * The functions a template may call by name. `render()` and `renderOnce()` evaluate a value as
 * a template; functions-render.ts says how they are kept from turning data into code that
 * reads secrets. `kv()` reads the key-value store through the host (see the executor's
 * kv-ahead.ts). `read()` is absent: Sluice has no internal storage yet, so a template naming it
 * is refused as calling an unknown function.
 */
import { randomUUID } from 'node:crypto';
import { coreErrors } from '@sluice/core';
import { callRender, callRenderOnce } from './functions-render.js';
import { range } from './operators.js';
import type { CallContext, FunctionDef } from './registry.js';
import { table } from './registry.js';
import { compare, isNumber, typeName } from './values.js';

/** Parses JSON text into plain data; `null` stays `null`. */
export function parseJson(text: unknown, ctx: CallContext): unknown {
  if (text === null || text === undefined) return null;
  if (typeof text !== 'string') return ctx.fail(`fromJson needs a string, not ${typeName(text)}`);
  ctx.charge(text.length);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSON.parse quotes the input in its message; data may be sensitive, so say only that it failed.
    return ctx.fail('fromJson was given invalid JSON');
  }
}

function secret(name: unknown, ctx: CallContext): string {
  if (typeof name !== 'string') return ctx.fail(`secret needs a name, not ${typeName(name)}`);
  const value = ctx.functions.secret?.(name);
  if (typeof value !== 'string') throw coreErrors.CORE_SECRET_NOT_FOUND(name, { details: { name, ...ctx.where() } });
  return value;
}

function kv(args: Readonly<Record<string, unknown>>, ctx: CallContext): unknown {
  const { key, namespace, errorOnMissing } = args;
  if (typeof key !== 'string') return ctx.fail(`kv needs a key, not ${typeName(key)}`);
  if (namespace !== undefined && namespace !== null && typeof namespace !== 'string') return ctx.fail(`kv needs a namespace name, not ${typeName(namespace)}`);
  if (errorOnMissing !== undefined && typeof errorOnMissing !== 'boolean') return ctx.fail(`kv's errorOnMissing must be true or false, not ${typeName(errorOnMissing)}`);
  if (!ctx.functions.kv) return ctx.fail('kv() reads the key-value store in task properties and conditions only, not here');
  return ctx.functions.kv(key, namespace ?? undefined, errorOnMissing ?? true);
}

/** `max`/`min` over their arguments, or over a single list argument. */
function extreme(values: readonly unknown[], sign: 1 | -1, ctx: CallContext): unknown {
  const items = values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
  if (items.length === 0) return null;
  let best: unknown = items[0];
  for (const item of items) {
    if (!isNumber(item)) return ctx.fail(`max and min need numbers, not ${typeName(item)}`);
    const order = compare(item, best);
    if (order !== undefined && order * sign > 0) best = item;
  }
  return best;
}

const fromJson: FunctionDef = { params: ['json'], required: 1, call: (args, _rest, ctx) => parseJson(args.json, ctx) };

export const FUNCTIONS = table<FunctionDef>({
  now: {
    // timeZone is accepted for Kestra compatibility; a Date is an instant, so format it with `date(timeZone=...)`.
    params: ['timeZone'],
    call: (_args, _rest, ctx) => ctx.functions.now?.() ?? new Date(),
  },
  secret: { params: ['key'], required: 1, call: (args, _rest, ctx) => secret(args.key, ctx) },
  kv: { params: ['key', 'namespace', 'errorOnMissing'], required: 1, call: (args, _rest, ctx) => kv(args, ctx) },
  fromJson,
  json: fromJson,
  uuid: { params: [], call: () => randomUUID() },
  range: {
    params: ['start', 'end', 'increment'],
    required: 2,
    call: (args, _rest, ctx) => range(args.start, args.end, args.increment ?? 1, ctx),
  },
  render: { params: ['template', 'recursive'], required: 1, call: callRender },
  renderOnce: { params: ['template'], required: 1, call: callRenderOnce },
  max: { params: [], variadic: true, call: (_args, rest, ctx) => extreme(rest, 1, ctx) },
  min: { params: [], variadic: true, call: (_args, rest, ctx) => extreme(rest, -1, ctx) },
});
