import { Kind, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

// Whether a subschema can change a value under `Value.Default`, per schema object (schemas of
// registered plugins live as long as the process and are never changed in place).
const mayDefault = new WeakMap<object, boolean>();

/**
 * True when `Value.Default` could add anything to a value of `schema`: it holds a `default`
 * somewhere, or a reference whose target is not visible from here (then it is assumed it may).
 */
function hasDefaults(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasDefaults);
  if (!isRecord(schema)) return false;
  let found = mayDefault.get(schema);
  if (found === undefined) {
    const kind = (schema as Record<symbol, unknown>)[Kind];
    found = 'default' in schema || kind === 'Ref' || kind === 'This' || kind === 'Import' || Object.values(schema).some(hasDefaults);
    mayDefault.set(schema, found);
  }
  return found;
}

// Whether a subschema's only default is its own, per schema object.
const ownOnly = new WeakMap<object, boolean>();

/**
 * True when `schema` holds a plain `default` of its own and nothing under it could default
 * anything: `Value.Default` then gives a clone of that default for `undefined`, and a value that
 * is not an object back as it is, after checking it against every branch of a union (the Log
 * task's `level`). An object value is merged with an object default: that is left to TypeBox.
 */
function onlyOwnDefault(schema: Json): boolean {
  let found = ownOnly.get(schema);
  if (found === undefined) {
    const kind = (schema as Record<symbol, unknown>)[Kind];
    found = 'default' in schema && typeof schema.default !== 'function' && kind !== 'Ref' && kind !== 'This' && kind !== 'Import'
      && Object.entries(schema).every(([key, sub]) => key === 'default' || !hasDefaults(sub));
    ownOnly.set(schema, found);
  }
  return found;
}

/**
 * What `Value.Default(schema, value)` makes of `value` (filling it in place, as TypeBox does),
 * without visiting the properties whose schemas hold no default: those would come back equal
 * to what they are, after TypeBox had cloned and checked them against every branch of their
 * unions (the Log task's `message`, for each task run).
 */
export function applyDefaults(schema: TSchema, value: unknown): unknown {
  if (!hasDefaults(schema)) return value;
  const s = schema as Json;
  const plainObject = (schema as unknown as Record<symbol, unknown>)[Kind] === 'Object' && !('default' in s) && isRecord(s.properties)
    && !hasDefaults(s.additionalProperties) && s.$id === undefined;
  if (!plainObject || !isRecord(value)) return Value.Default(schema, value);
  // As TypeBox's object visit does, one property at a time; an undefined result is not assigned.
  for (const key of Object.getOwnPropertyNames(s.properties)) {
    const child = (s.properties as Record<string, TSchema>)[key]!;
    if (!hasDefaults(child)) continue;
    const given = value[key];
    if ((typeof given !== 'object' || given === null) && onlyOwnDefault(child as Json)) {
      if (given === undefined) value[key] = Value.Clone((child as Json).default);
      continue;
    }
    const next = Value.Default(child, value[key]);
    if (next !== undefined) value[key] = next;
  }
  return value;
}
