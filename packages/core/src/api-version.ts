/**
 * The version of the plugin contract this copy of `@sluice/core` implements.
 *
 * A plugin package states the version it was written for twice: in its `package.json`
 * (`"sluice": { "apiVersion": 1 }`, read before the package's code runs) and on its default
 * export (stamped by {@link definePluginPackage}). The host refuses a package whose version it
 * does not support, with a coded error, instead of failing later at run time.
 *
 * @public
 */
export const PLUGIN_API_VERSION = 1 as const;

/** @public */
export type PluginApiVersion = typeof PLUGIN_API_VERSION;
