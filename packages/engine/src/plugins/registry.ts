import type { AnyFlowableTask, AnyTask, AnyTrigger, PluginPackage } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { schemasOf } from './schemas.js';
import { closest } from './suggest.js';
import type { LoadedPackage, PluginRegistry, RegisteredTask, RegisteredTrigger } from './types.js';

type Entry = RegisteredTask | RegisteredTrigger;

/**
 * The trigger modes the host drives: the server routes webhooks, its clock fires schedules, and
 * its workers match `flow` triggers against every execution that ends, and its trigger runners
 * poll and listen under a lease. A mode outside this list (a plugin built for a newer contract)
 * is refused when it loads rather than saved in flows that never start.
 */
export const HOST_TRIGGER_MODES: readonly string[] = Object.freeze(['webhook', 'schedule', 'flow', 'poll', 'listen']);

/** What a type string points at, canonical or alias, to detect collisions across kinds. */
interface Claim {
  readonly entry: Entry;
  readonly alias: boolean;
}

/**
 * Builds the registry from packages already imported. Throws `PLUGIN_DUPLICATE_TYPE` naming both
 * packages when two definitions claim the same type string, an alias included, whether they are
 * tasks or triggers (one flow key `type` resolves both), and `PLUGIN_IMPORT_FAILED` when a
 * definition's schemas cannot be compiled. Compiling here, once, means a broken plugin fails at
 * startup rather than on the first flow that uses it. A trigger in a mode the host does not run
 * ({@link HOST_TRIGGER_MODES}) throws `PLUGIN_MODE_UNSUPPORTED` naming its package.
 */
export function createRegistry(packages: readonly { pkg: PluginPackage; info: LoadedPackage }[]): PluginRegistry {
  const claims = new Map<string, Claim>();
  const tasks = new Map<string, RegisteredTask>();
  const triggers = new Map<string, RegisteredTrigger>();
  const canonicalTasks: RegisteredTask[] = [];
  const canonicalTriggers: RegisteredTrigger[] = [];
  const loaded: LoadedPackage[] = [];

  const claim = (name: string, entry: Entry, alias: boolean) => {
    const previous = claims.get(name);
    if (previous) {
      throw engineErrors.PLUGIN_DUPLICATE_TYPE(name, previous.entry.package.name, entry.package.name, {
        details: { type: name, package: entry.package.name, packages: [previous.entry.package.name, entry.package.name] },
      });
    }
    claims.set(name, { entry, alias });
  };

  const compile = (definition: AnyTask | AnyFlowableTask | AnyTrigger, info: LoadedPackage) => {
    try {
      schemasOf(definition);
    } catch (error) {
      const reason = `cannot compile the schemas of ${definition.type}: ${error instanceof Error ? error.message : String(error)}`;
      throw engineErrors.PLUGIN_INVALID_SCHEMA(info.name, reason, { cause: error, details: { package: info.name, type: definition.type } });
    }
  };

  for (const { pkg, info: given } of packages) {
    // The package record lists what the package really declares, whatever the caller passed.
    const info: LoadedPackage = Object.freeze({
      ...given,
      types: [...pkg.tasks.map((t) => t.type), ...pkg.triggers.map((t) => t.type)],
    });
    loaded.push(info);
    for (const definition of pkg.tasks) {
      compile(definition, info);
      const entry: RegisteredTask = Object.freeze({ kind: 'task', type: definition.type, definition, package: info });
      for (const [name, alias] of names(definition)) {
        claim(name, entry, alias);
        tasks.set(name, entry);
      }
      canonicalTasks.push(entry);
    }
    for (const definition of pkg.triggers) {
      if (!HOST_TRIGGER_MODES.includes(definition.mode)) {
        throw engineErrors.PLUGIN_MODE_UNSUPPORTED(info.name, definition.type, definition.mode, `${HOST_TRIGGER_MODES.slice(0, -1).join(', ')} and ${HOST_TRIGGER_MODES.at(-1)}`, {
          details: { package: info.name, type: definition.type, mode: definition.mode },
        });
      }
      compile(definition, info);
      const entry: RegisteredTrigger = Object.freeze({ kind: 'trigger', type: definition.type, definition, package: info });
      for (const [name, alias] of names(definition)) {
        claim(name, entry, alias);
        triggers.set(name, entry);
      }
      canonicalTriggers.push(entry);
    }
  }

  Object.freeze(canonicalTasks);
  Object.freeze(canonicalTriggers);
  Object.freeze(loaded);
  return Object.freeze({
    task: (type: string) => tasks.get(type),
    trigger: (type: string) => triggers.get(type),
    tasks: () => canonicalTasks,
    triggers: () => canonicalTriggers,
    packages: () => loaded,
    isAlias: (type: string) => claims.get(type)?.alias ?? false,
    suggest(type: string, limit = 3): string[] {
      // Every name is scored, then an alias answers with its canonical type: suggesting a
      // deprecated name would only earn the user a second warning.
      const canonical = closest(type, claims.keys(), claims.size).map((name) => claims.get(name)?.entry.type ?? name);
      return [...new Set(canonical)].slice(0, limit);
    },
  });
}

function* names(definition: AnyTask | AnyFlowableTask | AnyTrigger): Generator<[string, boolean]> {
  yield [definition.type, false];
  for (const alias of definition.aliases ?? []) yield [alias, true];
}
