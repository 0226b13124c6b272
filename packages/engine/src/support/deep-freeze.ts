/**
 * Freezes `value` and everything reachable from it, and returns it: for values a store shares
 * between callers, so that a caller changing one gets a TypeError (modules run in strict mode)
 * instead of silently changing what every other caller sees. An object already frozen is taken
 * as frozen all the way down (which also stops at cycles).
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
