/** Filters over lists, maps and numbers, plus `default`, `length` and JSON. */
import { LIMITS } from './limits.js';
import { toJson, toOutput } from './output.js';
import type { Args, CallContext, FilterDef } from './registry.js';
import { compare, entriesOf, isEmpty, isNumber, isPlainObject, setOwn, typeName } from './values.js';

function list(input: unknown, filter: string, ctx: CallContext): unknown[] {
  if (!Array.isArray(input)) return ctx.fail(`'${filter}' needs a list, not ${typeName(input)}`);
  return input;
}

function map(input: unknown, filter: string, ctx: CallContext): Record<string, unknown> {
  if (!isPlainObject(input)) return ctx.fail(`'${filter}' needs a map, not ${typeName(input)}`);
  return input;
}

function count(args: Args, name: string, ctx: CallContext, fallback?: number): number {
  const value = args[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) return ctx.fail(`argument '${name}' must be a whole number`);
  return value;
}

function sorted(input: unknown, filter: string, ctx: CallContext, sign: 1 | -1): unknown[] {
  const items = [...list(input, filter, ctx)];
  ctx.step(items.length);
  return items.sort((a, b) => {
    const order = compare(a, b);
    if (order === undefined) return ctx.fail(`'${filter}' cannot order ${typeName(a)} and ${typeName(b)}`);
    return order * sign;
  });
}

function slice(input: unknown, args: Args, ctx: CallContext): unknown {
  if (typeof input !== 'string' && !Array.isArray(input)) return ctx.fail(`'slice' needs a list or a string, not ${typeName(input)}`);
  const from = count(args, 'fromIndex', ctx, 0);
  const to = Math.min(count(args, 'toIndex', ctx, input.length), input.length);
  if (from < 0 || from > to) return ctx.fail(`invalid slice [${from}, ${to}) of a length ${input.length}`);
  return input.slice(from, to);
}

function merge(input: unknown, args: Args, ctx: CallContext): unknown {
  const other = args.items;
  if (Array.isArray(input) && Array.isArray(other)) {
    if (input.length + other.length > LIMITS.collectionSize) ctx.limit(`list longer than ${LIMITS.collectionSize} items`);
    return [...input, ...other];
  }
  if (isPlainObject(input) && isPlainObject(other)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of [...entriesOf(input), ...entriesOf(other)]) setOwn(out, key, value);
    return out;
  }
  return ctx.fail(`'merge' needs two lists or two maps, not ${typeName(input)} and ${typeName(other)}`);
}

function distinct(input: unknown, ctx: CallContext): unknown[] {
  const seen = new Set<string>();
  return list(input, 'distinct', ctx).filter((item) => {
    const key = `${typeName(item)}:${toJson(item, ctx, true)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function chunk(input: unknown, args: Args, ctx: CallContext): unknown[][] {
  const items = list(input, 'chunk', ctx);
  const size = count(args, 'size', ctx);
  if (size < 1) return ctx.fail("'chunk' size must be at least 1");
  ctx.charge(items.length);
  const out: unknown[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Kestra's `number`: a numeric string to a number, optionally checked as a type. */
function toNumber(input: unknown, args: Args, ctx: CallContext): unknown {
  if (input === null || input === undefined) return null;
  if (isNumber(input)) return input;
  if (typeof input !== 'string') return ctx.fail(`'number' needs a string, not ${typeName(input)}`);
  const text = input.trim();
  const type = typeof args.type === 'string' ? args.type.toUpperCase() : '';
  const integral = /^[+-]?\d+$/.test(text);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text) && (type === '' || type === 'INT' || type === 'LONG' || type === 'BIGINTEGER')) {
    return (text.startsWith('-') ? -1 : 1) * parseInt(text.replace(/^[+-]/, ''), 16);
  }
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfFlL]?$/.test(text)) return ctx.fail('the value is not a number');
  if ((type === 'INT' || type === 'LONG' || type === 'BIGINTEGER') && !integral) return ctx.fail(`the value is not a whole number, as type ${type} needs`);
  if (type !== '' && !['INT', 'LONG', 'FLOAT', 'DOUBLE', 'BIGDECIMAL', 'BIGINTEGER'].includes(type)) {
    return ctx.fail(`unknown number type '${String(args.type)}'`);
  }
  return Number(text.replace(/[dDfFlL]$/, ''));
}

const toJsonFilter: FilterDef = {
  params: ['includeNulls'],
  apply: (input, args, ctx) => toJson(input, ctx, args.includeNulls === true),
};

export const COLLECTION_FILTERS: Readonly<Record<string, FilterDef>> = {
  default: {
    params: ['default'],
    required: 1,
    acceptsUndefined: true,
    apply: (input, args) => (input === undefined || isEmpty(input) ? args.default : input),
  },
  length: {
    params: [],
    apply: (input) => {
      if (typeof input === 'string' || Array.isArray(input)) return input.length;
      return isPlainObject(input) ? Object.keys(input).length : 0;
    },
  },
  first: { params: [], apply: (input) => (typeof input === 'string' || Array.isArray(input) ? (input[0] ?? null) : null) },
  last: { params: [], apply: (input) => (typeof input === 'string' || Array.isArray(input) ? (input[input.length - 1] ?? null) : null) },
  join: {
    params: ['separator'],
    apply: (input, args, ctx) => {
      if (input === null || input === undefined || typeof input === 'string') return input ?? null;
      const separator = args.separator === undefined ? '' : toOutput(args.separator, ctx);
      ctx.charge(list(input, 'join', ctx).length);
      return list(input, 'join', ctx).map((item) => toOutput(item, ctx)).join(separator);
    },
  },
  keys: { params: [], apply: (input, _args, ctx) => (input === null ? null : Object.keys(map(input, 'keys', ctx))) },
  values: { params: [], apply: (input, _args, ctx) => (input === null ? null : entriesOf(map(input, 'values', ctx)).map(([, v]) => v)) },
  reverse: {
    params: [],
    apply: (input, _args, ctx) => {
      if (typeof input !== 'string') return [...list(input, 'reverse', ctx)].reverse();
      ctx.charge(input.length * LIMITS.pieceCost);
      return [...input].reverse().join('');
    },
  },
  sort: { params: [], apply: (input, _args, ctx) => sorted(input, 'sort', ctx, 1) },
  rsort: { params: [], apply: (input, _args, ctx) => sorted(input, 'rsort', ctx, -1) },
  slice: { params: ['fromIndex', 'toIndex'], apply: (input, args, ctx) => slice(input, args, ctx) },
  merge: { params: ['items'], required: 1, apply: (input, args, ctx) => merge(input, args, ctx) },
  distinct: { params: [], apply: (input, _args, ctx) => distinct(input, ctx) },
  flatten: {
    params: [],
    apply: (input, _args, ctx) => (input === null ? null : list(input, 'flatten', ctx).flatMap((item) => (Array.isArray(item) ? item : [item]))),
  },
  chunk: { params: ['size'], required: 1, apply: (input, args, ctx) => (input === null ? null : chunk(input, args, ctx)) },
  abs: {
    params: [],
    apply: (input, _args, ctx) => (isNumber(input) ? Math.abs(Number(input)) : ctx.fail(`'abs' needs a number, not ${typeName(input)}`)),
  },
  number: { params: ['type'], apply: toNumber },
  toJson: toJsonFilter,
  json: toJsonFilter,
};
