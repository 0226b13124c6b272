/** One documented property of a plugin, read from its JSON Schema. */
export interface PropDoc {
  readonly name: string;
  readonly type: string;
  readonly required: boolean;
  readonly default?: string;
  readonly expression: boolean;
  readonly description?: string;
}

type Schema = Record<string, unknown>;

/** The marker `Dynamic(...)` puts on a property that takes `{{ }}` expressions. */
const DYNAMIC = 'x-sluice-dynamic';

/** A short type for people: `string`, `integer`, `string[]`, `"a" | "b"`, `object`. */
export function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(union)) return [...new Set(union.map(typeOf))].join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items as Schema | undefined)}[]`;
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return 'any';
}

/** The properties of an object schema, required ones first, as the plugin page lists them. */
export function propDocs(schema: unknown): PropDoc[] {
  const s = schema && typeof schema === 'object' ? (schema as Schema) : {};
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  return Object.entries(properties)
    .map(([name, p]) => ({
      name,
      type: typeOf(p),
      required: required.has(name),
      ...(p.default !== undefined ? { default: JSON.stringify(p.default) } : {}),
      expression: p[DYNAMIC] !== undefined && p[DYNAMIC] !== false,
      ...(typeof p.description === 'string' ? { description: p.description } : {}),
    }))
    .sort((a, b) => Number(b.required) - Number(a.required));
}
