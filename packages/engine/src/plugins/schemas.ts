import { CloneType, Type, type TObject, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { DYNAMIC_KEYWORD, renderedBy, type AnyFlowableTask, type AnyTask, type AnyTrigger } from '@sluice/core';
import { TEMPLATE_KEYWORD } from './value-errors.js';

/**
 * A string holding a Pebble template. It is what a Dynamic field may hold when a flow is saved,
 * whatever its rendered type: `level: "{{ inputs.level }}"` is a valid level until it runs.
 */
export const TemplateString = Type.String({
  pattern: '\\{\\{|\\{%',
  description: 'A Pebble template ({{ ... }} or {% ... %}), rendered when the flow runs.',
  [TEMPLATE_KEYWORD]: true,
});

type Json = Record<string, unknown>;

// Keywords a field keeps on the outside of its save-time union, so editors still show its
// description and default, and the JSON Schema still says who renders it.
const CARRIED = ['title', 'description', 'default', 'examples', DYNAMIC_KEYWORD] as const;

function visit(schema: TSchema): TSchema {
  if (renderedBy(schema) !== undefined) {
    const s = schema as Json;
    const carried = Object.fromEntries(CARRIED.filter((k) => k in s).map((k) => [k, s[k]]));
    return Type.Union([schema, TemplateString], carried);
  }
  const s = schema as Json;
  const mapValues = (key: string) => {
    const record = s[key] as Record<string, TSchema> | undefined;
    if (record && typeof record === 'object') {
      for (const [name, child] of Object.entries(record)) record[name] = visit(child);
    }
  };
  mapValues('properties');
  mapValues('patternProperties');
  for (const key of ['anyOf', 'allOf', 'oneOf'] as const) {
    if (Array.isArray(s[key])) s[key] = (s[key] as TSchema[]).map(visit);
  }
  if (Array.isArray(s.items)) s.items = (s.items as TSchema[]).map(visit);
  else if (s.items && typeof s.items === 'object') s.items = visit(s.items as TSchema);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') {
    s.additionalProperties = visit(s.additionalProperties as TSchema);
  }
  return schema;
}

/**
 * The save-time form of a props schema: every subschema marked `Dynamic()` becomes
 * `Union([itself, TemplateString])`, at any depth. The input is not modified.
 */
export function acceptTemplates<T extends TSchema>(schema: T): TSchema {
  return visit(CloneType(schema));
}

/** The compiled validators of one task or trigger type. */
export interface CompiledSchemas {
  /** The props as the plugin receives them, after rendering: run time. */
  readonly strict: TypeCheck<TObject>;
  /** The props as written in a flow, templates allowed in Dynamic fields: save time. */
  readonly saveTime: TypeCheck<TSchema>;
  /** The schema {@link saveTime} checks, for the flow JSON Schema. */
  readonly saveTimeSchema: TSchema;
  /** A task's output; undefined for a trigger. */
  readonly output: TypeCheck<TSchema> | undefined;
}

// Keyed by the definition object: a definition is frozen by defineTask/defineTrigger, so its
// schemas cannot change after they are compiled, and a dropped registry frees them.
const compiled = new WeakMap<object, CompiledSchemas>();

/**
 * The compiled validators of a definition, compiled on the first call and cached. Throws when
 * TypeBox cannot compile a schema (an unregistered custom kind, for instance).
 */
export function schemasOf(definition: AnyTask | AnyFlowableTask | AnyTrigger): CompiledSchemas {
  const cached = compiled.get(definition);
  if (cached) return cached;
  const props = definition.props as TObject;
  const saveTimeSchema = acceptTemplates(props);
  const output = 'mode' in definition ? undefined : TypeCompiler.Compile(definition.output as TSchema);
  const schemas: CompiledSchemas = {
    strict: TypeCompiler.Compile(props),
    saveTime: TypeCompiler.Compile(saveTimeSchema),
    saveTimeSchema,
    output,
  };
  compiled.set(definition, schemas);
  return schemas;
}
