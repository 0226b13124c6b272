import { PLUGIN_API_VERSION, type PluginApiVersion } from './api-version.js';
import { BRAND_KEY, FLOWABLE_TASK_BRAND, PLUGIN_PACKAGE_BRAND, TASK_BRAND, TRIGGER_BRAND, hasBrand } from './brand.js';
import type { AnyFlowableTask } from './flowable.js';
import { coreErrors } from './errors.js';
import type { AnyTask } from './task.js';
import type { AnyTrigger } from './trigger.js';

/**
 * What a plugin package declares.
 * @public
 */
export interface PluginPackageDefinition {
  /** The package's tasks, from {@link defineTask} or `defineFlowableTask`. */
  readonly tasks?: readonly (AnyTask | AnyFlowableTask)[];
  /** The package's triggers, from {@link defineTrigger}. */
  readonly triggers?: readonly AnyTrigger[];
}

/**
 * A plugin package: the default export of every plugin package's entry point.
 * @public
 */
export interface PluginPackage {
  /** Brand checked by the loader. */
  readonly [BRAND_KEY]: typeof PLUGIN_PACKAGE_BRAND;
  /** The contract version the package was built against. */
  readonly apiVersion: PluginApiVersion;
  /** The package's tasks, runnable and flowable. */
  readonly tasks: readonly (AnyTask | AnyFlowableTask)[];
  /** The package's triggers. */
  readonly triggers: readonly AnyTrigger[];
}

/**
 * Groups a package's plugins. Make it the default export of the package's entry point, and
 * add `"sluice": { "apiVersion": 1 }` to its `package.json`.
 *
 * @example
 * ```ts
 * export default definePluginPackage({ tasks: [hello], triggers: [] });
 * ```
 * @public
 */
export function definePluginPackage(definition: PluginPackageDefinition): PluginPackage {
  const tasks = definition.tasks ?? [];
  const triggers = definition.triggers ?? [];
  tasks.forEach((task, i) => {
    if (!hasBrand(task, TASK_BRAND) && !hasBrand(task, FLOWABLE_TASK_BRAND)) {
      throw coreErrors.CORE_INVALID_DEFINITION(`tasks[${i}]`, 'not made by defineTask() or defineFlowableTask()');
    }
  });
  triggers.forEach((trigger, i) => {
    if (!hasBrand(trigger, TRIGGER_BRAND)) throw coreErrors.CORE_INVALID_DEFINITION(`triggers[${i}]`, 'not made by defineTrigger()');
  });
  return Object.freeze({ [BRAND_KEY]: PLUGIN_PACKAGE_BRAND, apiVersion: PLUGIN_API_VERSION, tasks, triggers });
}

/**
 * True when `value` is a plugin package from any copy of `@sluice/core`.
 * @public
 */
export function isPluginPackage(value: unknown): value is PluginPackage {
  return hasBrand(value, PLUGIN_PACKAGE_BRAND);
}
