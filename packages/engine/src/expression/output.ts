/**
 * How values become text: `{{ }}` output and JSON. Both follow Kestra's writer (null prints
 * nothing, maps and lists print as compact JSON with null map entries dropped) and both are
 * bounded, because a value built in a loop can share substructure and be exponentially large
 * once written out.
 */
import { LIMITS } from './limits.js';
import type { CallContext } from './registry.js';
import { entriesOf, isDate, isPlainObject, typeName } from './values.js';

/** A number as Kestra prints it: integers without a trailing `.0`. */
export function formatNumber(value: number | bigint): string {
  return typeof value === 'bigint' ? value.toString() : String(value);
}

/** A Date as ISO-8601 in UTC with `Z`. */
export function formatDate(value: Date, ctx: CallContext): string {
  if (Number.isNaN(value.getTime())) ctx.fail('invalid date');
  return value.toISOString();
}

/** The text `{{ value }}` writes. */
export function toOutput(value: unknown, ctx: CallContext): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (isDate(value)) return formatDate(value, ctx);
  if (Array.isArray(value) || isPlainObject(value)) return toJson(value, ctx, false);
  return ctx.fail(`cannot print a value of type ${typeName(value)}`);
}

/**
 * Compact JSON. Map entries whose value is null are left out unless `includeNulls` (Kestra's
 * default mapper does the same); list items never are.
 */
export function toJson(value: unknown, ctx: CallContext, includeNulls: boolean): string {
  const parts: string[] = [];
  let length = 0;
  const emit = (text: string): void => {
    length += text.length;
    if (length > LIMITS.outputLength) ctx.limit(`JSON longer than ${LIMITS.outputLength} characters`);
    ctx.charge(text.length);
    parts.push(text);
  };
  const write = (item: unknown, depth: number): void => {
    ctx.step();
    if (depth > LIMITS.valueDepth) ctx.limit(`value nested deeper than ${LIMITS.valueDepth}`);
    if (item === null || item === undefined) return emit('null');
    if (typeof item === 'string') return emit(JSON.stringify(item));
    if (typeof item === 'number') return emit(Number.isFinite(item) ? String(item) : 'null');
    if (typeof item === 'bigint') return emit(item.toString());
    if (typeof item === 'boolean') return emit(item ? 'true' : 'false');
    if (isDate(item)) return emit(Number.isNaN(item.getTime()) ? 'null' : JSON.stringify(item.toISOString()));
    if (Array.isArray(item)) {
      emit('[');
      for (let i = 0; i < item.length; i++) {
        if (i > 0) emit(',');
        write(item[i], depth + 1);
      }
      return emit(']');
    }
    if (isPlainObject(item)) {
      emit('{');
      let first = true;
      for (const [key, entry] of entriesOf(item)) {
        if (entry === null && !includeNulls) continue;
        if (!first) emit(',');
        first = false;
        emit(`${JSON.stringify(key)}:`);
        write(entry, depth + 1);
      }
      return emit('}');
    }
    ctx.fail(`cannot convert a value of type ${typeName(item)} to JSON`);
  };
  write(value, 0);
  return parts.join('');
}
