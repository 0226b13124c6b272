import type { YamlContext } from './yaml-context.js';

type Schema = Record<string, unknown>;

export interface Completion {
  readonly label: string;
  readonly detail?: string;
  readonly info?: string;
  /** The text inserted: `key: ` for keys. */
  readonly apply: string;
  /** Ranks it above others: required keys, and a type's own name above its aliases. */
  readonly boost?: number;
}

const obj = (v: unknown): Schema | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined);

function deref(root: Schema, schema: Schema | undefined): Schema | undefined {
  const ref = schema?.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = obj(node)?.[part];
  return deref(root, obj(node));
}

/** The names a branch's `type` accepts (its const, or its enum of aliases). */
function typeNames(branch: Schema): string[] {
  const type = obj(obj(branch.properties)?.type);
  if (typeof type?.const === 'string') return [type.const];
  return Array.isArray(type?.enum) ? type.enum.filter((v): v is string => typeof v === 'string') : [];
}

/** Narrows an `anyOf` of plugin branches to the one whose `type` the item already has. */
function pick(root: Schema, schema: Schema | undefined, type: string | undefined): Schema | undefined {
  const s = deref(root, schema);
  const anyOf = Array.isArray(s?.anyOf) ? (s.anyOf as Schema[]) : undefined;
  if (!anyOf) return s;
  if (type === undefined) return undefined;
  return anyOf.find((b) => typeNames(b).includes(type.replace(/^["']|["']$/g, '')));
}

/** The schema of the node at `path`, following arrays, `$ref` and the plugin branch of each item. */
export function schemaAt(root: Schema, path: readonly (string | number)[], itemType?: string): Schema | undefined {
  let node: Schema | undefined = root;
  for (let i = 0; i < path.length && node; i += 1) {
    const step = path[i]!;
    const last = i === path.length - 1;
    if (typeof step === 'number') node = pick(root, obj(deref(root, node)?.items), last ? itemType : undefined);
    else node = deref(root, obj(obj(deref(root, node)?.properties)?.[step]));
  }
  return node;
}

const describe = (s: Schema | undefined): string | undefined => (typeof s?.description === 'string' ? s.description : undefined);

/** Completions from the flow JSON Schema for the cursor's context: keys of the mapping, or values of `type` and enums. */
export function schemaCompletions(root: Schema, context: YamlContext): Completion[] {
  const itemType = context.siblings.type;
  if (context.kind === 'key') {
    const node = schemaAt(root, context.path, itemType);
    const properties = obj(deref(root, node)?.properties);
    if (!properties) {
      // An item whose type is not written yet: offer `type` and `id`, the keys every item starts with.
      const s = deref(root, obj(deref(root, schemaAt(root, context.path.slice(0, -1)))?.items));
      return s?.anyOf ? ['id', 'type'].filter((k) => !(k in context.siblings)).map((k) => ({ label: k, apply: `${k}: ` })) : [];
    }
    const required = new Set(Array.isArray(deref(root, node)?.required) ? (deref(root, node)!.required as string[]) : []);
    return Object.entries(properties)
      .filter(([k]) => !(k in context.siblings))
      .map(([k, v]) => ({ label: k, apply: `${k}: `, ...(required.has(k) ? { detail: 'required', boost: 2 } : {}), ...(describe(obj(v)) ? { info: describe(obj(v))! } : {}) }))
      .sort((a, b) => (b.boost ?? 0) - (a.boost ?? 0));
  }
  if (context.key === 'type') {
    const items = deref(root, obj(deref(root, schemaAt(root, context.path.slice(0, -1)))?.items));
    const anyOf = Array.isArray(items?.anyOf) ? (items.anyOf as Schema[]) : [];
    return anyOf
      .flatMap((b) => typeNames(b).map((name, i) => ({ label: name, apply: name, ...(i === 0 ? { boost: 1 } : {}), detail: i === 0 ? String(b.title ?? '') : 'alias', ...(describe(b) ? { info: describe(b)! } : {}) })))
      .sort((a, b) => (b.boost ?? 0) - (a.boost ?? 0));
  }
  const node = schemaAt(root, context.path, itemType);
  const prop = deref(root, obj(obj(deref(root, node)?.properties)?.[context.key ?? '']));
  const values = Array.isArray(prop?.enum) ? prop.enum : prop?.type === 'boolean' ? [true, false] : [];
  return values.map((v) => ({ label: String(v), apply: String(v) }));
}
