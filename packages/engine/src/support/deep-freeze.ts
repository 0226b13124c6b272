/**
 * Freezes `value` and everything reachable from it, and returns it: for values a store shares
 * between callers, so that a caller changing one gets a TypeError (modules run in strict mode)
 * instead of silently changing what every other caller sees. An object already frozen is taken
 * as frozen all the way down (which also stops at cycles).
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    // The own enumerable keys, as Object.values has them, without an array of them per object:
    // every save of a task run's text freezes the run.
    for (const key in value) if (Object.hasOwn(value, key)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
