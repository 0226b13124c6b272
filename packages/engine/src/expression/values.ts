/**
 * The value model the evaluator works on: plain data only (null, booleans, numbers, strings,
 * Dates, arrays and plain objects). Every property read goes through {@link getOwn}, the one
 * place that decides what a template may see: own data properties of arrays, strings and plain
 * objects, never a getter, an inherited member, a constructor or a prototype.
 */
import { LIMITS } from './limits.js';
import type { CallContext } from './registry.js';

/** Names no template may read, even as an own property: the doors to prototypes and constructors. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type Found = { readonly found: true; readonly value: unknown } | { readonly found: false };

const NOT_FOUND: Found = Object.freeze({ found: false });

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isDate(value: unknown): value is Date {
  return value instanceof Date;
}

/** What {@link ownValue} answers for a property a template may not see or that is absent. */
export const MISSING: unique symbol = Symbol('sluice.missing');

/** Own data property of plain data, or not found. `undefined` values read as `null`. */
export function getOwn(target: unknown, key: unknown): Found {
  const value = ownValue(target, key);
  return value === MISSING ? NOT_FOUND : { found: true, value };
}

/**
 * {@link getOwn} answering the value itself, or {@link MISSING}: the evaluator reads a property
 * per member of every template, and a result object per read was garbage for nothing.
 */
export function ownValue(target: unknown, key: unknown): unknown {
  if (typeof key === 'string' && FORBIDDEN_KEYS.has(key)) return MISSING;
  if (Array.isArray(target) || typeof target === 'string') {
    if (key === 'length') return target.length;
    const index = typeof key === 'number' ? key : typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : NaN;
    if (!Number.isInteger(index) || index < 0 || index >= target.length) return MISSING;
    if (typeof target === 'string') return target[index];
    return ownData(target, String(index));
  }
  if (isPlainObject(target) && (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean')) {
    return ownData(target, String(key));
  }
  return MISSING;
}

function ownData(target: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(target, key);
  if (descriptor === undefined || !('value' in descriptor)) return MISSING;
  return descriptor.value === undefined ? null : descriptor.value;
}

/** Defines an own property, so a key such as `__proto__` is stored as data, never as a prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Own enumerable entries of a plain object. */
export function entriesOf(value: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const key of Object.keys(value)) {
    const own = ownData(value, key);
    if (own !== MISSING) out.push([key, own]);
  }
  return out;
}

/** A short type name for messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'list';
  if (isDate(value)) return 'date';
  if (isPlainObject(value)) return 'map';
  if (typeof value === 'bigint') return 'number';
  return typeof value;
}

export function isNumber(value: unknown): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint';
}

/**
 * Kestra's TruthUtils on rendered text: '', 'false', '0', '-0' and 'null' (trimmed, any case)
 * are false, anything else is true.
 */
export function isTruthy(rendered: string): boolean {
  const value = rendered.trim().toLowerCase();
  return value !== '' && value !== 'false' && value !== '0' && value !== '-0' && value !== 'null';
}

/** The truth of a value in `if`, `and`, `or`, `not` and `? :`. */
export function toBool(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === undefined) return false;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return isTruthy(value);
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

/** Pebble's `empty` test: null, a blank string, an empty list or map. */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return false;
}

/** Structural equality as Java's `equals` on collections; numbers compare by value. Bounded. */
export function deepEqual(a: unknown, b: unknown, ctx: Pick<CallContext, 'step' | 'limit'>, depth = 0): boolean {
  ctx.step();
  if (depth > LIMITS.valueDepth) ctx.limit(`value nested deeper than ${LIMITS.valueDepth}`);
  if (a === null || a === undefined) return b === null || b === undefined;
  if (isNumber(a) && isNumber(b)) return Number(a) === Number(b);
  if (isDate(a) && isDate(b)) return a.getTime() === b.getTime();
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i], ctx, depth + 1));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const entries = entriesOf(a);
    if (entries.length !== Object.keys(b).length) return false;
    return entries.every(([key, value]) => {
      const other = ownData(b, key);
      return other !== MISSING && deepEqual(value, other, ctx, depth + 1);
    });
  }
  return a === b;
}

/** Ordering for `<`, `>`, `sort`: numbers, strings or dates of one kind; `undefined` otherwise. */
export function compare(a: unknown, b: unknown): number | undefined {
  if (isNumber(a) && isNumber(b)) return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (isDate(a) && isDate(b)) return Math.sign(a.getTime() - b.getTime());
  return undefined;
}
