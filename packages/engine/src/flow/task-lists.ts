import type { TSchema } from '@sinclair/typebox';
import { isTaskItemSchema, isTasksSchema } from '@sluice/core';
import type { PathSegment } from '../plugins/value-errors.js';
import { isMapping } from './report.js';

type Json = Record<string, unknown>;

/** Keys every flowable task accepts beside its props: its own error and final handlers. */
export const FLOWABLE_ENVELOPE_KEYS: ReadonlySet<string> = new Set(['errors', 'finally']);

/**
 * `value` (a flowable task's props, as written or as built) with every task that `schema`
 * places (each item of a `Tasks()` list, each `TaskItem()`) replaced by `map(task, path)`, at
 * any depth: inside objects, records (Switch's `cases`), lists (Dag's `tasks`) and unions.
 * Values the schema does not describe, and lists that are not lists, are kept as they are.
 */
export function mapTasks(schema: TSchema, value: unknown, at: readonly PathSegment[], map: (task: unknown, at: readonly PathSegment[]) => unknown): unknown {
  if (isTasksSchema(schema)) return Array.isArray(value) ? value.map((task, i) => map(task, [...at, i])) : value;
  if (isTaskItemSchema(schema)) return isMapping(value) ? map(value, at) : value;
  const s = schema as Json;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = s[key];
    if (Array.isArray(branches)) {
      // A task list inside a union: the first branch holding one decides.
      for (const branch of branches as TSchema[]) {
        const mapped = mapTasks(branch, value, at, map);
        if (mapped !== value) return mapped;
      }
      return value;
    }
  }
  if (Array.isArray(value)) {
    const items = s.items;
    if (!items || typeof items !== 'object' || Array.isArray(items)) return value;
    return value.map((item, i) => mapTasks(items as TSchema, item, [...at, i], map));
  }
  if (!isMapping(value)) return value;
  const properties = (s.properties ?? {}) as Record<string, TSchema>;
  const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, TSchema>).map(([p, child]) => [new RegExp(p), child] as const);
  const extra = s.additionalProperties && typeof s.additionalProperties === 'object' ? (s.additionalProperties as TSchema) : undefined;
  const out: Json = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties[key] ?? patterns.find(([pattern]) => pattern.test(key))?.[1] ?? extra;
    out[key] = childSchema ? mapTasks(childSchema, child, [...at, key], map) : child;
  }
  return out;
}
