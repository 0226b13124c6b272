import type { LogLevel } from '@sluice/core';

/**
 * Where `expected` is not a deep subset of `actual`, as a list of readable differences: every
 * key of an expected object must match in the actual one (extra keys are fine); lists must
 * have the same length and match element by element; anything else must be equal.
 * @public
 */
export function subsetDifferences(expected: unknown, actual: unknown, path = '$'): string[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${describe(actual)}`];
    if (actual.length !== expected.length) return [`${path}: expected ${expected.length} elements, got ${actual.length}: ${describe(actual)}`];
    return expected.flatMap((item, index) => subsetDifferences(item, actual[index], `${path}[${index}]`));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${path}: expected an object, got ${describe(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      Object.hasOwn(actual, key) ? subsetDifferences(value, actual[key], `${path}.${key}`) : [`${path}.${key}: missing`],
    );
  }
  return Object.is(expected, actual) ? [] : [`${path}: expected ${describe(expected)}, got ${describe(actual)}`];
}

/**
 * The first expected log line not found, in order, among `actual` (other lines may sit
 * between the expected ones), or `undefined` when all are there.
 * @public
 */
export function missingLog(
  expected: readonly { readonly level: LogLevel; readonly message: string }[],
  actual: readonly { readonly level: LogLevel; readonly message: string }[],
): { readonly level: LogLevel; readonly message: string } | undefined {
  let next = 0;
  for (const line of actual) {
    const wanted = expected[next];
    if (wanted && line.level === wanted.level && line.message === wanted.message) next++;
  }
  return expected[next];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
