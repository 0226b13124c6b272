/**
 * Kestra's `MapUtils.deepMerge(a, b)`, which its plugin defaults use: `b` wins, except that a
 * `null` in `b` keeps `a`'s value, two mappings merge key by key, and two lists are joined (`a`'s
 * items, then `b`'s that `a` lacks). Returns new containers; neither argument is changed.
 */
export function deepMerge(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, bv] of Object.entries(b)) {
    const av = Object.hasOwn(out, key) ? out[key] : undefined;
    Object.defineProperty(out, key, { value: mergeValues(av, bv), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function mergeValues(a: unknown, b: unknown): unknown {
  if (b === null || b === undefined) return a;
  if (a === null || a === undefined) return b;
  if (isMapping(a) && isMapping(b)) return deepMerge(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b.filter((item) => !a.some((existing) => deepEqual(existing, item)))];
  return b;
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}
