import { createHash } from 'node:crypto';
import type pg from 'pg';

/** One row as Kestra outputs it: column name to a JSON value. */
export type Row = Record<string, unknown>;

// Type ids (pg_type.oid) whose text the trigger reads itself instead of `pg`'s defaults.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/**
 * How values are read: dates and timestamps stay as the server wrote them in the session's zone
 * (`timeZoneId`), made ISO-8601; big integers and decimals become numbers when no digit is lost;
 * other types as `pg` (the loaded module, passed in: see `loadPg`) reads them.
 */
export const rowTypes = (types: typeof pg.types) => ({
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (text: string) => (Number.isSafeInteger(Number(text)) ? Number(text) : text);
    if (oid === NUMERIC) return (text: string) => (/^-?\d{1,15}(\.\d+)?$/.test(text) && text.replace(/[-.]/g, '').replace(/^0+/, '').length <= 15 ? Number(text) : text);
    if (oid === DATE) return (text: string) => text;
    if (oid === TIMESTAMP) return (text: string) => text.replace(' ', 'T');
    if (oid === TIMESTAMPTZ) return isoWithOffset;
    return types.getTypeParser(oid, format);
  },
});

/** `2024-07-01 08:00:00+02` as `2024-07-01T08:00:00+02:00`. */
function isoWithOffset(text: string): string {
  return text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00').replace(/([+-]\d{2}):?(\d{2})$/, '$1:$2').replace(/\+00:00$/, 'Z');
}

/** Values `pg` gives as objects, made JSON: bytes as base64 (as Kestra's byte arrays), nested alike. */
export function jsonRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([name, value]) => [name, jsonValue(value)]));
}

function jsonValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonValue);
  return value;
}

/** A digest of rows, stable for equal results: what tells a repeated poll from a new one. */
export function rowsDigest(rows: readonly Row[]): string {
  return createHash('sha256').update(JSON.stringify(rows)).digest('base64url').slice(0, 32);
}
