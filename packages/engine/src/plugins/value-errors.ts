import type { TSchema } from '@sinclair/typebox';
import type { TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';

/** One segment of a path into a value: a property name or a list index. */
export type PathSegment = string | number;

/**
 * What an error is about, which decides where a YAML editor should point: the key of an unknown
 * property, the mapping that lacks a required one, or the value itself.
 */
export type ErrorTarget = 'key' | 'parent' | 'value';

/** A validation error in words, with the path of the value it concerns. */
export interface SchemaProblem {
  readonly segments: readonly PathSegment[];
  readonly message: string;
  readonly target: ErrorTarget;
}

/** The keyword that marks the template branch {@link acceptTemplates} adds beside a Dynamic field. */
export const TEMPLATE_KEYWORD = 'x-sluice-template';

/** `/tasks/0/message` (a TypeBox error path, a JSON pointer) → `['tasks', 0, 'message']`. */
export function pointerToSegments(pointer: string): PathSegment[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((key) => (/^(0|[1-9][0-9]*)$/.test(key) ? Number(key) : key));
}

/** `['tasks', 0, 'message']` → `tasks[0].message`; keys that are not plain words are quoted. */
export function segmentsToPath(segments: readonly PathSegment[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) path += path === '' ? segment : `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

type Json = Record<string, unknown>;

const isTemplateBranch = (schema: unknown): boolean =>
  typeof schema === 'object' && schema !== null && (schema as Json)[TEMPLATE_KEYWORD] === true;

const NOUNS: Readonly<Record<string, [string, string]>> = {
  string: ['a string', 'strings'],
  number: ['a number', 'numbers'],
  integer: ['an integer', 'integers'],
  boolean: ['true or false', 'booleans'],
  object: ['a mapping', 'mappings'],
  null: ['null', 'nulls'],
};

/** A keyword a host schema may set to say in words what it expects, where its type says too little. */
export const EXPECTED_KEYWORD = 'x-sluice-expected';

/** Says in words what a schema accepts: "a string or a list of strings", "one of INFO, WARN". */
export function describeSchema(schema: TSchema): string {
  const s = schema as Json;
  if (typeof s[EXPECTED_KEYWORD] === 'string') return s[EXPECTED_KEYWORD];
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => String(v)).join(', ')}`;
  if (Array.isArray(s.anyOf)) {
    const branches = s.anyOf as TSchema[];
    const templated = branches.some(isTemplateBranch);
    const plain = branches.filter((b) => !isTemplateBranch(b));
    const literals = plain.every((b) => 'const' in b);
    const words = literals && plain.length > 1
      ? `one of ${plain.map((b) => String((b as Json).const)).join(', ')}`
      : plain.map(describeSchema).join(' or ');
    // "a string or a {{ }} template", but "one of A, B, or a {{ }} template".
    const comma = words.includes(' or ') || words.startsWith('one of') ? ',' : '';
    return templated ? `${words}${comma} or a {{ }} template` : words;
  }
  if (s.type === 'array') {
    const items = s.items as Json | undefined;
    const noun = typeof items?.type === 'string' && !('const' in items) ? NOUNS[items.type]?.[1] : undefined;
    return noun ? `a list of ${noun}` : 'a list';
  }
  if (typeof s.type === 'string') return NOUNS[s.type]?.[0] ?? s.type;
  return 'a valid value';
}

/** Names the kind of a value for "got ..." endings. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

const lastKey = (error: ValueError): string => {
  const segments = pointerToSegments(error.path);
  return String(segments[segments.length - 1] ?? '');
};

/** Turns one TypeBox error into a sentence a flow author understands. */
export function describeError(error: ValueError): { message: string; target: ErrorTarget } {
  const s = error.schema as Json;
  const value = (message: string) => ({ message, target: 'value' as const });
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return { message: `missing required property '${lastKey(error)}'`, target: 'parent' };
    case ValueErrorType.ObjectAdditionalProperties:
      return { message: `unknown property '${lastKey(error)}'`, target: 'key' };
    case ValueErrorType.StringPattern:
      // A pattern said in words where the schema gives them (a duration), else the pattern.
      if (typeof s[EXPECTED_KEYWORD] === 'string') return value(`must be ${s[EXPECTED_KEYWORD]}, got ${describeValue(error.value)}`);
      return value(`must match ${String(s.pattern)}`);
    case ValueErrorType.StringMinLength:
      return value(s.minLength === 1 ? 'must not be empty' : `must be at least ${String(s.minLength)} characters long`);
    case ValueErrorType.StringMaxLength:
      return value(`must be at most ${String(s.maxLength)} characters long`);
    case ValueErrorType.ArrayMinItems:
      return value(s.minItems === 1 ? 'must not be empty' : `must have at least ${String(s.minItems)} items`);
    case ValueErrorType.ArrayMaxItems:
      return value(`must have at most ${String(s.maxItems)} items`);
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum:
      return value(`must be greater than or equal to ${String(s.minimum)}`);
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum:
      return value(`must be less than or equal to ${String(s.maximum)}`);
    case ValueErrorType.NumberExclusiveMinimum:
    case ValueErrorType.IntegerExclusiveMinimum:
      return value(`must be greater than ${String(s.exclusiveMinimum)}`);
    case ValueErrorType.NumberExclusiveMaximum:
    case ValueErrorType.IntegerExclusiveMaximum:
      return value(`must be less than ${String(s.exclusiveMaximum)}`);
    case ValueErrorType.Union:
    case ValueErrorType.Literal:
    case ValueErrorType.String:
    case ValueErrorType.Number:
    case ValueErrorType.Integer:
    case ValueErrorType.Boolean:
    case ValueErrorType.Array:
    case ValueErrorType.Object:
    case ValueErrorType.Null:
      return value(`must be ${describeSchema(error.schema)}, got ${describeValue(error.value)}`);
    default:
      return value(error.message.charAt(0).toLowerCase() + error.message.slice(1));
  }
}

/**
 * Every error of `check` on `value`, in words, one per path: TypeBox reports a missing required
 * property twice (missing, then "expected string" for its undefined value) and an empty string
 * against a pattern twice; the first says it best.
 */
export function schemaProblems(check: TypeCheck<TSchema>, value: unknown): SchemaProblem[] {
  // The compiled check is a fraction of the cost of walking for errors, and nearly every value passes.
  if (check.Check(value)) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of check.Errors(value)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    problems.push({ segments: pointerToSegments(error.path), ...describeError(error) });
  }
  return problems;
}
