import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { renderedBy } from '@sluice/core';
import { applyDefaults } from './apply-defaults.js';
import { coerceRendered } from './coerce-rendered.js';
import { schemasOf } from './schemas.js';
import type { RegisteredTask, RegisteredTrigger } from './types.js';
import { schemaProblems, segmentsToPath, type PathSegment } from './value-errors.js';

/** A props problem: `path` like `message` or `inputs.body`, and what is wrong in words. */
export interface PropsError {
  readonly path: string;
  readonly message: string;
}

/** The outcome of {@link prepareProps}. */
export type PreparedProps =
  | { readonly ok: true; readonly props: Record<string, unknown> }
  | { readonly ok: false; readonly errors: readonly PropsError[] };

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Replaces, in place, each value whose schema is a host-rendered Dynamic field by what `render`
 * makes of it, descending through object properties and list items to find nested ones.
 * Plugin-rendered fields are left as written: the plugin renders them with variables only it
 * has. Rendered text is read as the field's declared type (see coerceRendered). Unions are not descended: which branch a value takes is only known after rendering.
 */
function renderFields(schema: TSchema, value: unknown, at: PathSegment[], render: (value: unknown) => unknown, failures: PropsError[]): unknown {
  const who = renderedBy(schema);
  if (who === 'host') {
    try {
      return coerceRendered(schema, render(value));
    } catch (error) {
      failures.push({ path: segmentsToPath(at), message: error instanceof Error ? error.message : String(error) });
      return value;
    }
  }
  if (who === 'plugin') return value;
  const s = schema as Json;
  if (isRecord(value) && isRecord(s.properties)) {
    for (const [key, child] of Object.entries(s.properties as Record<string, TSchema>)) {
      if (key in value) value[key] = renderFields(child, value[key], [...at, key], render, failures);
    }
  } else if (Array.isArray(value) && isRecord(s.items)) {
    value.forEach((item, i) => {
      value[i] = renderFields(s.items as TSchema, item, [...at, i], render, failures);
    });
  }
  return value;
}

/**
 * A deep copy of props as a flow's YAML makes them (plain objects, arrays, scalars), which
 * rendering and defaults then change in place; anything else is copied by TypeBox's `Clone`.
 * TypeBox's copy of every task's props, for every task run, weighed on a Log task's cost.
 */
function cloneProps(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneProps);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return Value.Clone(value);
  const copy: Json = {};
  for (const key of Object.keys(value)) {
    const item = cloneProps((value as Json)[key]);
    // A `__proto__` key of the YAML stays a key: assigned, it would set the copy's prototype.
    if (key === '__proto__') Object.defineProperty(copy, key, { value: item, enumerable: true, writable: true, configurable: true });
    else copy[key] = item;
  }
  return copy;
}

/**
 * Makes a task's or trigger's props ready for the plugin: renders the host-rendered Dynamic
 * fields of `rawProps` with `render` (called once per field with its whole value, which it must
 * render deeply), applies the schema's defaults, then validates strictly against the props
 * schema. `rawProps` is not modified. Every problem is returned, render failures included.
 */
export function prepareProps(
  entry: RegisteredTask | RegisteredTrigger,
  rawProps: Readonly<Record<string, unknown>>,
  render: (value: unknown) => unknown,
): PreparedProps {
  const schemas = schemasOf(entry.definition);
  const schema = entry.definition.props as TSchema;
  const failures: PropsError[] = [];
  const rendered = renderFields(schema, cloneProps(rawProps), [], render, failures);
  // Defaults after rendering: they are values, not templates, and TypeBox fills a clone.
  const props = applyDefaults(schema, rendered) as Record<string, unknown>;
  const failed = failures.map((f) => f.path);
  // A field that failed to render is reported once, for the render error; its unrendered
  // template would only add a confusing type error.
  const problems = schemaProblems(schemas.strict, props)
    .map((p) => ({ path: segmentsToPath(p.segments), message: p.message }))
    .filter((p) => !failed.some((path) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`)));
  const errors = [...failures, ...problems];
  return errors.length === 0 ? { ok: true, props } : { ok: false, errors };
}

/**
 * Validates what a task's `run` returned against the task's `output` schema. The message lists
 * the first few problems with their paths, for the task run's error.
 */
export function validateOutput(entry: RegisteredTask, output: unknown): { ok: true } | { ok: false; message: string } {
  const check = schemasOf(entry.definition).output;
  if (!check || check.Check(output)) return { ok: true };
  const problems = schemaProblems(check, output);
  const shown = problems.slice(0, 5).map((p) => {
    const path = segmentsToPath(p.segments);
    return path === '' ? p.message : `${path}: ${p.message}`;
  });
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return { ok: false, message: `${shown.join('; ')}${more}` };
}
