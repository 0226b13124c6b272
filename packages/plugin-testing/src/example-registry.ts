import { TASK_BRAND, TRIGGER_BRAND, definePluginPackage, hasBrand, isPluginPackage, type AnyTask, type AnyTrigger, type PluginPackage } from '@sluice/core';
import { createRegistry, type PluginRegistry } from '@sluice/engine';

/**
 * What {@link runExamples} can test: a whole plugin package, or one task or trigger.
 * @public
 */
export type ExampleTarget = PluginPackage | AnyTask | AnyTrigger;

/** The target as a package, wrapping a lone definition the way its own package would. */
export function asPackage(target: ExampleTarget): PluginPackage {
  if (isPluginPackage(target)) return target;
  if (hasBrand(target, TASK_BRAND)) return definePluginPackage({ tasks: [target as AnyTask] });
  if (hasBrand(target, TRIGGER_BRAND)) return definePluginPackage({ triggers: [target as AnyTrigger] });
  throw new TypeError('runExamples: expected a plugin package, or a task or trigger made by defineTask/defineTrigger');
}

/**
 * A registry of the package under test and the extra packages, as the host's loader would
 * build it. A package passed twice (say the target again among the extras) counts once; two
 * different packages declaring one type fail as they would in the host.
 */
export function buildRegistry(target: PluginPackage, extra: readonly PluginPackage[]): PluginRegistry {
  const packages = [target, ...extra.filter((pkg) => pkg !== target)].filter((pkg, index, all) => all.indexOf(pkg) === index);
  return createRegistry(
    packages.map((pkg, index) => ({
      pkg,
      info: {
        name: index === 0 ? 'package-under-test' : `extra-package-${index}`,
        version: '0.0.0-test',
        path: '(in memory)',
        types: [...pkg.tasks.map((task) => task.type), ...pkg.triggers.map((trigger) => trigger.type)],
      },
    })),
  );
}
