/**
 * The functions a template may call by name. `render()` and `renderOnce()` evaluate a value as
 * a template; functions-render.ts says how they are kept from turning data into code that
 * reads secrets. `kv()` reads the key-value store, `read()` internal storage and `errorLogs()`
 * the execution's logs, all through the host, which reads them before the render (see the
 * executor's kv-ahead.ts and read-ahead.ts). `currentEachOutput()` is Kestra's helper inside a
 * ForEach.
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

function read(path: unknown, ctx: CallContext): string {
  if (typeof path !== 'string') return ctx.fail(`read needs a kestra:/// URI, not ${typeName(path)}`);
  if (!ctx.functions.read) return ctx.fail('read() reads files of the execution in task properties and conditions only, not here');
  const text = ctx.functions.read(path);
  ctx.charge(text.length);
  return text;
}

function errorLogs(ctx: CallContext): readonly unknown[] {
  if (!ctx.functions.errorLogs) return ctx.fail('errorLogs() reads the execution\'s logs in task properties and conditions only, not here');
  const lines = ctx.functions.errorLogs();
  ctx.charge(lines.length);
  return lines;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Kestra's `currentEachOutput(outputs.t)`: inside a ForEach, the outputs of task `t` for the
 * iteration this task run belongs to. `outputs.t` is keyed by loop value, one level per
 * enclosing loop; the values of the ancestors (`parents`, outermost first) and the task run's own
 * (`taskrun.value`) pick the entry. Null when the task run has no value of its own.
 */
function currentEachOutput(outputs: unknown, ctx: CallContext): unknown {
  if (!isMap(outputs)) return ctx.fail(`currentEachOutput expects outputs of a task (a map), not ${typeName(outputs)}`);
  let node: Record<string, unknown> = outputs;
  const parents = ctx.variable('parents');
  if (Array.isArray(parents)) {
    for (const parent of [...parents].reverse()) {
      const value = isMap(parent) && isMap(parent.taskrun) ? parent.taskrun.value : undefined;
      if (value === undefined || value === null) continue;
      const next = Object.hasOwn(node, String(value)) ? node[String(value)] : undefined;
      if (!isMap(next)) return ctx.fail('currentEachOutput found no outputs for the current task run\'s path of loop values');
      node = next;
    }
  }
  const taskrun = ctx.variable('taskrun');
  const value = isMap(taskrun) ? taskrun.value : undefined;
  if (value === undefined || value === null) return null;
  return Object.hasOwn(node, String(value)) ? node[String(value)] : null;
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
  read: { params: ['path'], required: 1, call: (args, _rest, ctx) => read(args.path, ctx) },
  errorLogs: { params: [], call: (_args, _rest, ctx) => errorLogs(ctx) },
  currentEachOutput: { params: ['outputs'], required: 1, call: (args, _rest, ctx) => currentEachOutput(args.outputs, ctx) },
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
