/**
 * String filters. As in Pebble, a null input gives null (which prints as nothing) and a
 * non-string input is first turned into its printed form.
 */
import { LIMITS } from './limits.js';
import { checkedString } from './operators.js';
import { toOutput } from './output.js';
import { lookup, table, type Args, type CallContext, type FilterDef } from './registry.js';
import { entriesOf, isPlainObject, setOwn, typeName } from './values.js';

type StringFn = (value: string, args: Args, ctx: CallContext) => unknown;

/** A filter over the printed form of its input; null in, null out. Scanning the input is charged as work. */
function text(apply: StringFn, params: readonly string[] = [], required = 0): FilterDef {
  return {
    params,
    required,
    apply: (input, args, ctx) => {
      if (input === null || input === undefined) return null;
      const value = toOutput(input, ctx);
      ctx.charge(value.length);
      return apply(value, args, ctx);
    },
  };
}

function stringArg(args: Args, name: string, ctx: CallContext): string {
  const value = args[name];
  if (typeof value !== 'string') return ctx.fail(`argument '${name}' must be a string, not ${typeName(value)}`);
  return value;
}

function intArg(args: Args, name: string, ctx: CallContext, fallback?: number): number {
  const value = args[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return ctx.fail(`argument '${name}' must be a whole number >= 0`);
  return value;
}

/**
 * Every occurrence of `from` in `value` replaced by `to`, literally (as `split(from).join(to)`).
 * Charged as it goes, the scan up front and each piece as it is built, so a replace that would
 * build a huge string or millions of pieces stops at the work budget instead of after the work.
 */
function replaceAll(value: string, from: string, to: string, ctx: CallContext): string {
  ctx.charge(value.length);
  if (from === '') {
    ctx.charge(value.length * (LIMITS.pieceCost + to.length));
    return checkedString([...value].join(to), ctx);
  }
  const parts: string[] = [];
  let start = 0;
  for (let at = value.indexOf(from); at >= 0; at = value.indexOf(from, start)) {
    ctx.charge(LIMITS.pieceCost + to.length);
    parts.push(value.slice(start, at), to);
    start = at + from.length;
  }
  if (start === 0) return value;
  parts.push(value.slice(start));
  return checkedString(parts.join(''), ctx);
}

/** Applies a string transformation to a string, or to every string inside a list or map (Kestra's replace, escapeChar). */
function deep(input: unknown, apply: (value: string) => string, ctx: CallContext, depth = 0): unknown {
  ctx.step();
  if (depth > LIMITS.valueDepth) ctx.limit(`value nested deeper than ${LIMITS.valueDepth}`);
  if (input === null || input === undefined) return null;
  if (Array.isArray(input)) return input.map((item) => deep(item, apply, ctx, depth + 1));
  if (isPlainObject(input)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of entriesOf(input)) setOwn(out, key, deep(value, apply, ctx, depth + 1));
    return out;
  }
  return checkedString(apply(toOutput(input, ctx)), ctx);
}

/** Pebble's title: the first letter of every word upper-cased, the rest left as written. Each word is charged as a match. */
function title(value: string, ctx: CallContext): string {
  return value.replace(/(^|\s)(\S)/g, (_match, space: string, first: string) => {
    ctx.charge(LIMITS.pieceCost);
    return space + first.toUpperCase();
  });
}

function abbreviate(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 3) return value.slice(0, max);
  return `${value.slice(0, max - 3)}...`;
}

/** Kestra's Slugify: whitespace to dashes, accents stripped, only [A-Za-z0-9_-] kept, lower-cased. */
function slugify(value: string): string {
  let slug = value.replace(/[ \t\n\v\f\r]/g, '-').normalize('NFD').replace(/[^\w-]/g, '').replace(/_/g, '-');
  slug = slug.replace(/-{2,}/g, '-');
  if (slug.startsWith('-')) slug = slug.slice(1);
  if (slug.endsWith('-')) slug = slug.slice(0, -1);
  return slug.toLowerCase();
}

/**
 * Literal split with Java's `String.split` rules for the limit and trailing empty strings. Each
 * piece is charged as it is cut, so splitting 8 MiB into characters stops at the work budget.
 */
function split(value: string, delimiter: string, limit: number | undefined, ctx: CallContext): string[] {
  if (delimiter === '') {
    ctx.charge(value.length * LIMITS.pieceCost);
    return [...value];
  }
  const most = limit !== undefined && limit > 0 ? limit : Infinity;
  const parts: string[] = [];
  let start = 0;
  for (let at = value.indexOf(delimiter); at >= 0 && parts.length < most - 1; at = value.indexOf(delimiter, start)) {
    ctx.charge(LIMITS.pieceCost);
    parts.push(value.slice(start, at));
    start = at + delimiter.length;
  }
  parts.push(value.slice(start));
  if (limit === undefined || limit === 0) {
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  }
  return parts;
}

function replacePairs(args: Args, ctx: CallContext): [string, string][] {
  const pairs = args.replace_pairs;
  if (isPlainObject(pairs)) return entriesOf(pairs).map(([from, to]) => [from, toOutput(to, ctx)]);
  if (typeof pairs === 'string' && args.replacement !== undefined) return [[pairs, toOutput(args.replacement, ctx)]];
  return ctx.fail("replace needs a map of replacements, such as replace({'a': 'b'}), or two strings");
}

function indent(value: string, args: Args, ctx: CallContext, leadingNewline: boolean): string {
  if (value === '') return value;
  const amount = intArg(args, 'amount', ctx);
  const prefix = args.prefix === undefined ? ' ' : stringArg(args, 'prefix', ctx);
  if (amount * prefix.length > 10_000) ctx.limit('indent wider than 10000 characters');
  const newline = value.includes('\r\n') ? '\r\n' : value.includes('\n') ? '\n' : value.includes('\r') ? '\r' : '\n';
  const padding = prefix.repeat(amount);
  return checkedString((leadingNewline ? newline + value : value).split(newline).join(newline + padding), ctx);
}

const ESCAPE_STYLES = table<readonly [string, string]>({
  single: ["'", "\\'"],
  double: ['"', '\\"'],
  shell: ["'", "'\\''"],
});

export const STRING_FILTERS: Readonly<Record<string, FilterDef>> = {
  upper: text((v) => v.toUpperCase()),
  lower: text((v) => v.toLowerCase()),
  trim: text((v) => v.trim()),
  title: text((v, _args, ctx) => title(v, ctx)),
  capitalize: text((v) => (v === '' ? v : v.charAt(0).toUpperCase() + v.slice(1))),
  abbreviate: text((v, args, ctx) => abbreviate(v, intArg(args, 'length', ctx)), ['length'], 1),
  slugify: text(slugify),
  startsWith: text((v, args, ctx) => v.startsWith(stringArg(args, 'prefix', ctx)), ['prefix'], 1),
  endsWith: text((v, args, ctx) => v.endsWith(stringArg(args, 'suffix', ctx)), ['suffix'], 1),
  substringBefore: text((v, args, ctx) => {
    const sep = stringArg(args, 'separator', ctx);
    const at = v.indexOf(sep);
    return at < 0 ? v : v.slice(0, at);
  }, ['separator'], 1),
  substringAfter: text((v, args, ctx) => {
    const sep = stringArg(args, 'separator', ctx);
    const at = v.indexOf(sep);
    return at < 0 ? '' : v.slice(at + sep.length);
  }, ['separator'], 1),
  substringBeforeLast: text((v, args, ctx) => {
    const sep = stringArg(args, 'separator', ctx);
    const at = sep === '' ? -1 : v.lastIndexOf(sep);
    return at < 0 ? v : v.slice(0, at);
  }, ['separator'], 1),
  substringAfterLast: text((v, args, ctx) => {
    const sep = stringArg(args, 'separator', ctx);
    const at = sep === '' ? -1 : v.lastIndexOf(sep);
    return at < 0 || at + sep.length === v.length ? '' : v.slice(at + sep.length);
  }, ['separator'], 1),
  split: text((v, args, ctx) => {
    const limit = args.limit === undefined ? undefined : Number(args.limit);
    return split(v, stringArg(args, 'delimiter', ctx), limit, ctx);
  }, ['delimiter', 'limit'], 1),
  replace: {
    params: ['replace_pairs', 'replacement'],
    required: 1,
    apply: (input, args, ctx) => {
      const pairs = replacePairs(args, ctx);
      return deep(input, (v) => pairs.reduce((acc, [from, to]) => replaceAll(acc, from, to, ctx), v), ctx);
    },
  },
  escapeChar: {
    params: ['type'],
    required: 1,
    apply: (input, args, ctx) => {
      const type = stringArg(args, 'type', ctx).toLowerCase();
      const style = lookup(ESCAPE_STYLES, type);
      if (style === undefined) return ctx.fail("escapeChar type must be 'single', 'double' or 'shell'");
      return deep(input, (v) => replaceAll(v, style[0], style[1], ctx), ctx);
    },
  },
  indent: text((v, args, ctx) => indent(v, args, ctx, false), ['amount', 'prefix'], 1),
  nindent: text((v, args, ctx) => indent(v, args, ctx, true), ['amount', 'prefix'], 1),
  string: text((v) => v),
};
