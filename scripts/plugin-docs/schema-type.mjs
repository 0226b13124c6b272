// Renders a JSON Schema as the short type phrase a reference page shows ("list of strings",
// "map of string to any value", "`INFO` | `WARN`"), the way Kestra's plugin docs name each
// property's type. Pure functions over plain JSON: no TypeBox, no file system.

/** The keyword `Dynamic()` of @sluice/core adds; its value says who renders the field. */
export const DYNAMIC_KEYWORD = 'x-sluice-dynamic';

const PLURALS = { string: 'strings', integer: 'integers', number: 'numbers', boolean: 'booleans', object: 'objects', any: 'values' };

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** True for `{}` and schemas that only describe: they accept any value. */
export function isAnySchema(schema) {
  if (!isObject(schema)) return true;
  const structural = ['type', 'const', 'enum', 'anyOf', 'oneOf', 'allOf', 'properties', 'items', 'patternProperties', 'additionalProperties', 'not'];
  return !structural.some((key) => key in schema);
}

/** The schemas of a union (`anyOf`/`oneOf`), or undefined when `schema` is not one. */
function unionMembers(schema) {
  if (Array.isArray(schema.anyOf)) return schema.anyOf;
  if (Array.isArray(schema.oneOf)) return schema.oneOf;
  return undefined;
}

/** The literal values when `schema` is an enum or a union of constants only, else undefined. */
export function literalsOf(schema) {
  if (!isObject(schema)) return undefined;
  if (Array.isArray(schema.enum)) return schema.enum;
  if ('const' in schema) return [schema.const];
  const members = unionMembers(schema);
  if (members && members.length > 0 && members.every((member) => isObject(member) && 'const' in member)) {
    return members.map((member) => member.const);
  }
  return undefined;
}

const literal = (value) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

/** The value schema of a map (`Type.Record`, `additionalProperties`), or undefined. */
export function mapValueSchema(schema) {
  if (isObject(schema.patternProperties)) {
    const values = Object.values(schema.patternProperties);
    if (values.length === 1) return values[0];
    return values.length > 1 ? { anyOf: values } : undefined;
  }
  if (isObject(schema.additionalProperties) && !isObject(schema.properties)) return schema.additionalProperties;
  return undefined;
}

/** Constraints worth a reader's attention, in words: lengths, ranges, patterns, formats. */
function constraints(schema) {
  const parts = [];
  if (typeof schema.format === 'string') parts.push(`format ${schema.format}`);
  if (typeof schema.minLength === 'number') parts.push(`at least ${schema.minLength} character${schema.minLength === 1 ? '' : 's'}`);
  if (typeof schema.maxLength === 'number') parts.push(`at most ${schema.maxLength} characters`);
  if (typeof schema.pattern === 'string') parts.push(`matching \`${schema.pattern}\``);
  if (typeof schema.minimum === 'number' && typeof schema.maximum === 'number') parts.push(`${schema.minimum} to ${schema.maximum}`);
  else if (typeof schema.minimum === 'number') parts.push(`at least ${schema.minimum}`);
  else if (typeof schema.maximum === 'number') parts.push(`at most ${schema.maximum}`);
  if (typeof schema.exclusiveMinimum === 'number') parts.push(`greater than ${schema.exclusiveMinimum}`);
  if (typeof schema.exclusiveMaximum === 'number') parts.push(`less than ${schema.exclusiveMaximum}`);
  if (typeof schema.minItems === 'number') parts.push(`at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`);
  if (typeof schema.maxItems === 'number') parts.push(`at most ${schema.maxItems} items`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function listType(schema) {
  const items = schema.items;
  if (!isObject(items) || isAnySchema(items)) return `list${constraints(schema)}`;
  const inner = schemaType(items);
  // "string (at least 1 character)" becomes "strings (at least 1 character)".
  const simple = /^(\w+)( \(.*\))?$/.exec(inner);
  const plural = simple && simple[1] in PLURALS ? `${PLURALS[simple[1]]}${simple[2] ?? ''}` : `(${inner})`;
  return `list of ${plural}${constraints(schema)}`;
}

function objectType(schema) {
  const value = mapValueSchema(schema);
  if (value !== undefined) return `map of string to ${isAnySchema(value) ? 'any value' : schemaType(value)}`;
  if (isObject(schema.properties) && Object.keys(schema.properties).length === 0 && schema.additionalProperties === false) return 'empty object';
  return 'object';
}

/**
 * The type of `schema` as a short phrase: `string (at least 1 character)`, `list of strings`,
 * `map of string to any value`, `` `INFO` | `WARN` ``, `integer (100 to 599) or string`, `any`.
 */
export function schemaType(schema) {
  // A flowable task's children (`Tasks()`, `TaskItem()` in @sluice/core).
  if (isObject(schema) && schema['x-sluice-tasks'] === true) return 'list of tasks';
  if (isObject(schema) && schema['x-sluice-tasks'] === 'one') return 'task';
  if (!isObject(schema) || isAnySchema(schema)) return 'any';
  const literals = literalsOf(schema);
  if (literals) return literals.map(literal).join(' | ');
  const members = unionMembers(schema);
  if (members) return members.map(schemaType).join(' or ');
  if (Array.isArray(schema.allOf)) return schema.allOf.map(schemaType).join(' and ');
  if (Array.isArray(schema.type)) return schema.type.map((type) => schemaType({ ...schema, type })).join(' or ');
  switch (schema.type) {
    case 'array': return listType(schema);
    case 'object': return objectType(schema);
    case 'string': case 'integer': case 'number': return `${schema.type}${constraints(schema)}`;
    case 'boolean': case 'null': return schema.type;
    default: return isObject(schema.properties) ? 'object' : 'any';
  }
}

/** Who renders the field's `{{ }}` expressions: `host`, `plugin`, or undefined (none). */
export function renderedBy(schema) {
  const value = isObject(schema) ? schema[DYNAMIC_KEYWORD] : undefined;
  return value === 'host' || value === 'plugin' ? value : undefined;
}
