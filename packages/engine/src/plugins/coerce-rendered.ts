import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

type Json = Record<string, unknown>;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The candidates a rendered string could stand for, for one schema (not a union). */
function candidates(schema: Json, text: string): unknown[] {
  const trimmed = text.trim();
  switch (schema.type) {
    case 'integer':
    case 'number':
      return NUMBER.test(trimmed) ? [Number(trimmed)] : [];
    case 'boolean':
      return /^(true|false)$/i.test(trimmed) ? [trimmed.toLowerCase() === 'true'] : [];
    case 'object':
    case 'array':
      try {
        return [JSON.parse(trimmed)];
      } catch {
        return [];
      }
    case 'null':
      return trimmed === '' ? [null] : [];
    default:
      return [];
  }
}

/**
 * Rendering always makes text (`{{ trigger.body.ms }}` gives `"100"`), but a Dynamic prop may
 * be typed: an integer, a boolean, a map. Like Kestra's `Property<T>`, the rendered text is
 * read as the declared type: a number, `true`/`false`, or JSON for a map or a list. A value the
 * schema already accepts is left alone, and text that reads as nothing valid stays text, so
 * validation reports it against the declared type.
 */
export function coerceRendered(schema: TSchema, value: unknown): unknown {
  if (typeof value !== 'string' || Value.Check(schema, value)) return value;
  const s = schema as Json;
  const branches = Array.isArray(s.anyOf) ? (s.anyOf as Json[]) : [s];
  for (const branch of branches) {
    for (const candidate of candidates(branch, value)) {
      if (Value.Check(branch as TSchema, candidate)) return candidate;
    }
  }
  return value;
}
