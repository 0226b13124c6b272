/**
 * Plugin loading and the registry: finds plugin packages, checks their manifest and brand,
 * registers their types, and prepares props for them.
 */
export type { LoadedPackage, RegisteredTask, RegisteredTrigger, PluginRegistry } from './types.js';
export { createRegistry } from './registry.js';
export { loadPlugins, type LoadPluginsOptions } from './loader.js';
export { prepareProps, validateOutput, type PreparedProps, type PropsError } from './props.js';
