import { parse as parseYaml } from 'yaml';
import type { FlowInput } from '../flow/flow.types.js';
import { parseIsoDuration } from './iso-duration.js';

/** A coerced value, or why the raw value does not fit the input's type. */
export type Coerced = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

type Coercer = (value: unknown, input: FlowInput) => Coerced;

const ok = (value: unknown): Coerced => ({ ok: true, value });
const fail = (message: string): Coerced => ({ ok: false, message });

// Values arrive as typed JSON (API body, trigger-rendered inputs) or as text (form fields,
// query strings); every coercer accepts both spellings of the same value.
const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;

const num = (input: FlowInput, key: string): number | undefined => {
  const value = input.extra[key];
  return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined;
};

function inRange(value: number, input: FlowInput): Coerced {
  const min = num(input, 'min');
  const max = num(input, 'max');
  if (min !== undefined && value < min) return fail(`must be greater than or equal to ${min}`);
  if (max !== undefined && value > max) return fail(`must be less than or equal to ${max}`);
  return ok(value);
}

const coerceString: Coercer = (value, input) => {
  const s = text(value);
  if (s === undefined) return fail('must be a string');
  const validator = input.extra.validator;
  if (typeof validator === 'string') {
    // Kestra matches the whole value (Java's String.matches), not a substring.
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${validator})$`, 'u');
    } catch {
      return fail(`has an invalid validator pattern '${validator}'`);
    }
    if (!pattern.test(s)) return fail(`must match the pattern '${validator}'`);
  }
  return ok(s);
};

const coerceInt: Coercer = (value, input) => {
  const s = text(value)?.trim();
  if (s === undefined || !/^[-+]?\d+$/.test(s)) return fail('must be an integer');
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return fail('is too large for an integer');
  return inRange(n, input);
};

const coerceFloat: Coercer = (value, input) => {
  const s = text(value)?.trim();
  const n = s === undefined || s === '' ? NaN : Number(s);
  if (!Number.isFinite(n)) return fail('must be a number');
  return inRange(n, input);
};

const coerceBoolean: Coercer = (value) => {
  if (typeof value === 'boolean') return ok(value);
  const s = text(value)?.trim().toLowerCase();
  if (s === 'true') return ok(true);
  if (s === 'false') return ok(false);
  return fail('must be true or false');
};

const coerceJson: Coercer = (value) => {
  if (typeof value !== 'string') return ok(value);
  try {
    return ok(JSON.parse(value) as unknown);
  } catch {
    return fail('must be valid JSON');
  }
};

const coerceYaml: Coercer = (value) => {
  if (typeof value !== 'string') return ok(value);
  try {
    return ok(parseYaml(value, { maxAliasCount: 100 }) as unknown);
  } catch {
    return fail('must be valid YAML');
  }
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?$/;
// An instant with an explicit offset, as Java's Instant/ZonedDateTime parsers require.
const DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:\d{2})$/i;

function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const bound = (input: FlowInput, key: 'after' | 'before'): number | undefined => {
  const value = input.extra[key];
  return typeof value === 'string' ? Date.parse(value) : undefined;
};

const coerceDateTime: Coercer = (value, input) => {
  const s = value instanceof Date ? value.toISOString() : text(value)?.trim();
  const m = s === undefined ? null : DATETIME.exec(s);
  if (!s || !m || !isCalendarDate(m[1] ?? '') || !TIME.test(m[2] ?? '')) return fail('must be an ISO-8601 date-time with an offset, e.g. 2024-01-31T10:00:00Z');
  const ms = Date.parse(s);
  const after = bound(input, 'after');
  const before = bound(input, 'before');
  if (after !== undefined && ms <= after) return fail(`must be after ${String(input.extra.after)}`);
  if (before !== undefined && ms >= before) return fail(`must be before ${String(input.extra.before)}`);
  // Stored as UTC, the way Java prints an Instant: no `.000` when there are no milliseconds.
  return ok(new Date(ms).toISOString().replace('.000Z', 'Z'));
};

const coerceDate: Coercer = (value) => {
  const s = text(value)?.trim();
  return s !== undefined && isCalendarDate(s) ? ok(s) : fail('must be a date such as 2024-01-31');
};

const coerceTime: Coercer = (value) => {
  const s = text(value)?.trim();
  return s !== undefined && TIME.test(s) ? ok(s) : fail('must be a time such as 10:15 or 10:15:30');
};

const coerceDuration: Coercer = (value) => {
  const s = text(value)?.trim();
  return s !== undefined && parseIsoDuration(s) !== undefined ? ok(s.toUpperCase()) : fail('must be an ISO-8601 duration such as PT5M');
};

const choices = (input: FlowInput): readonly string[] | undefined => {
  // `values` since Kestra 0.15; `options` before, still accepted.
  const values = input.extra.values ?? input.extra.options;
  return Array.isArray(values) ? values.map(String) : undefined;
};

const coerceEnum: Coercer = (value, input) => {
  const s = text(value);
  if (s === undefined) return fail('must be a string');
  const values = choices(input);
  if (values && !values.includes(s) && input.extra.allowCustomValue !== true) return fail(`must be one of ${values.join(', ')}`);
  return ok(s);
};

function asList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const coerceMultiselect: Coercer = (value, input) => {
  const list = asList(value) ?? (typeof value === 'string' ? value.split(',').map((s) => s.trim()) : undefined);
  if (!list) return fail('must be a list of values');
  const values = choices(input);
  const out: string[] = [];
  for (const item of list) {
    const s = text(item);
    if (s === undefined || (values && !values.includes(s) && input.extra.allowCustomValue !== true)) {
      return fail(values ? `must only contain ${values.join(', ')}` : 'must be a list of strings');
    }
    out.push(s);
  }
  return ok(out);
};

const coerceArray: Coercer = (value, input) => {
  const list = asList(value);
  if (!list) return fail('must be a JSON array');
  const itemType = typeof input.extra.itemType === 'string' ? input.extra.itemType : 'STRING';
  const coerce = coercerFor(itemType);
  if (!coerce) return fail(`has an unsupported itemType ${itemType}`);
  const out: unknown[] = [];
  for (const [i, item] of list.entries()) {
    const result = coerce(item, { ...input, type: itemType, extra: {} });
    if (!result.ok) return fail(`item ${i} ${result.message}`);
    out.push(result.value);
  }
  return ok(out);
};

const coerceUri: Coercer = (value) => {
  const s = text(value)?.trim();
  if (s === undefined || !/^[a-z][a-z0-9+.-]*:/i.test(s)) return fail('must be an absolute URI');
  try {
    new URL(s);
  } catch {
    return fail('must be an absolute URI');
  }
  return ok(s);
};

// Deliberately loose: one @, no spaces, a dot in the domain. Stricter checks reject real addresses.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const coerceEmail: Coercer = (value) => {
  const s = text(value)?.trim();
  return s !== undefined && EMAIL.test(s) ? ok(s) : fail('must be an email address');
};

// FILE inputs carry the URI of a file the host already stored (kestra:///...).
const coerceFile: Coercer = (value) => {
  const s = text(value);
  return s !== undefined && s !== '' ? ok(s) : fail('must be the URI of a stored file');
};

const COERCERS: Readonly<Record<string, Coercer>> = {
  STRING: coerceString,
  SECRET: coerceString,
  INT: coerceInt,
  FLOAT: coerceFloat,
  BOOLEAN: coerceBoolean,
  BOOL: coerceBoolean,
  JSON: coerceJson,
  YAML: coerceYaml,
  DATETIME: coerceDateTime,
  DATE: coerceDate,
  TIME: coerceTime,
  DURATION: coerceDuration,
  ENUM: coerceEnum,
  SELECT: coerceEnum,
  MULTISELECT: coerceMultiselect,
  ARRAY: coerceArray,
  URI: coerceUri,
  EMAIL: coerceEmail,
  FILE: coerceFile,
};

/** The coercer of a Kestra input type (case-insensitive), or `undefined` for a type we lack. */
export function coercerFor(type: string): Coercer | undefined {
  const key = type.toUpperCase();
  return Object.hasOwn(COERCERS, key) ? COERCERS[key] : undefined;
}

/** The input types {@link coercerFor} knows, for error messages and docs. */
export const INPUT_TYPES: readonly string[] = Object.keys(COERCERS);
