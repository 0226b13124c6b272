/** The tests of `x is <test>` / `x is not <test>`: Pebble's core tests and Kestra's `json`. */
import { table, type TestDef } from './registry.js';
import { isEmpty, isPlainObject } from './values.js';

function isJsonText(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}

function integer(value: unknown, ctx: Parameters<TestDef['apply']>[1], test: string): number {
  if (typeof value === 'bigint') return Number(value % 2n);
  if (typeof value !== 'number' || !Number.isInteger(value)) return ctx.fail(`'${test}' needs a whole number`);
  return value;
}

export const TESTS = table<TestDef>({
  // Pebble's `defined` is the inverse of `null`: a variable holding null (an optional input not
  // given) is not defined, which `{{ inputs.x is defined }}` switches on.
  defined: { acceptsUndefined: true, apply: (value) => value !== undefined && value !== null },
  null: { apply: (value) => value === null || value === undefined },
  empty: { apply: (value) => isEmpty(value) },
  even: { apply: (value, ctx) => integer(value, ctx, 'even') % 2 === 0 },
  odd: { apply: (value, ctx) => Math.abs(integer(value, ctx, 'odd') % 2) === 1 },
  iterable: { apply: (value) => Array.isArray(value) },
  map: { apply: (value) => isPlainObject(value) },
  json: { apply: (value) => isJsonText(value) },
});
