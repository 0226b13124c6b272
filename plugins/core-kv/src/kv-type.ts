import { durationMs, parseJson } from '@sluice/core';
import { kvErrors } from './errors.js';

/** Kestra's `kvType` values. */
export const KV_TYPES = ['STRING', 'NUMBER', 'BOOLEAN', 'DATETIME', 'DATE', 'DURATION', 'JSON'] as const;
/** One of {@link KV_TYPES}. */
export type KvType = (typeof KV_TYPES)[number];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// An instant with a zone, or a local date-time (read as UTC, as Kestra's default zone).
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const text = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * The value `Set` stores for `kvType`: without one, the value as rendered; with one, read as that
 * type (a number from `"42"`, JSON from its text, a date-time normalised to an ISO instant), or a
 * `KV_TYPE_MISMATCH` naming why not. Pure, so it is tested without a store.
 */
export function coerceKvValue(key: string, value: unknown, type: KvType | undefined): unknown {
  const mismatch = (reason: string) => kvErrors.KV_TYPE_MISMATCH(key, type ?? 'value', reason);
  switch (type) {
    case undefined:
      return value;
    case 'STRING':
      return text(value);
    case 'NUMBER': {
      if (typeof value === 'number') return value;
      const trimmed = text(value).trim();
      if (!NUMBER.test(trimmed)) throw mismatch(`'${trimmed}' is not a number`);
      return Number(trimmed);
    }
    case 'BOOLEAN': {
      if (typeof value === 'boolean') return value;
      const lower = text(value).trim().toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw mismatch(`'${text(value)}' is neither true nor false`);
      return lower === 'true';
    }
    case 'DATETIME': {
      const trimmed = text(value).trim();
      const ms = DATETIME.test(trimmed) ? Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? trimmed : `${trimmed}Z`) : Number.NaN;
      if (Number.isNaN(ms)) throw mismatch(`'${trimmed}' is not an ISO-8601 date-time such as 2024-05-01T10:00:00Z`);
      return new Date(ms).toISOString();
    }
    case 'DATE': {
      const trimmed = text(value).trim();
      const match = DATE.exec(trimmed);
      const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
      if (!match || !date || date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() !== Number(match[2]) - 1) {
        throw mismatch(`'${trimmed}' is not a date such as 2024-05-01`);
      }
      return trimmed;
    }
    case 'DURATION': {
      const trimmed = text(value).trim();
      if (durationMs(trimmed) === undefined) throw mismatch(`'${trimmed}' is not an ISO-8601 duration such as PT1H`);
      return trimmed.toUpperCase();
    }
    case 'JSON': {
      if (typeof value !== 'string') return value;
      try {
        return parseJson(value);
      } catch (error) {
        throw mismatch(error instanceof Error ? error.message : String(error));
      }
    }
  }
}
