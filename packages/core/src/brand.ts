/**
 * Brands mark the values that {@link defineTask}, `defineFlowableTask`, {@link defineTrigger} and
 * {@link definePluginPackage} return. The host checks the brand rather than `instanceof`,
 * because a plugin may resolve its own copy of `@sluice/core`: two copies of a class are two
 * classes, while two copies of a string are the same string.
 *
 * @public
 */
export const BRAND_KEY = '$$sluice' as const;

/** @public */
export const TASK_BRAND = 'sluice.task' as const;
/** @public */
export const FLOWABLE_TASK_BRAND = 'sluice.flowable-task' as const;
/** @public */
export const TRIGGER_BRAND = 'sluice.trigger' as const;
/** @public */
export const PLUGIN_PACKAGE_BRAND = 'sluice.plugin-package' as const;

/** @public */
export type Brand = typeof TASK_BRAND | typeof FLOWABLE_TASK_BRAND | typeof TRIGGER_BRAND | typeof PLUGIN_PACKAGE_BRAND;

/**
 * True when `value` is an object carrying the given brand.
 * @public
 */
export function hasBrand(value: unknown, brand: Brand): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[BRAND_KEY] === brand;
}
