import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PLUGIN_API_VERSION, isPluginPackage, type PluginPackage } from '@sluice/core';
import { engineErrors } from '../errors.js';
import { findPackageDir, listPackageDirs, readPackageJson, resolveEntry, type PackageJson } from './package-files.js';
import { createRegistry } from './registry.js';
import type { LoadedPackage, PluginRegistry } from './types.js';

/** Where {@link loadPlugins} looks for plugin packages. */
export interface LoadPluginsOptions {
  /** Package names, resolved from {@link resolveFrom} (first-party ones included). */
  readonly packages?: readonly string[];
  /** A folder of plugin packages: each subfolder with a package.json, `@scope/*` included. */
  readonly pluginsDir?: string;
  /** The directory package names are resolved from, walking up its `node_modules` folders. */
  readonly resolveFrom: string;
  /**
   * Export conditions tried in this order to pick a package's entry from its `exports` map.
   * Default `['import', 'default']`; tests pass `['@sluice/source', 'import', 'default']` to load
   * workspace packages from their TypeScript sources.
   */
  readonly conditions?: readonly string[];
}

const DEFAULT_CONDITIONS = ['import', 'default'] as const;

function checkManifest(pkg: PackageJson, label: string): void {
  const manifest = pkg.sluice;
  if (typeof manifest !== 'object' || manifest === null || !('apiVersion' in manifest)) {
    throw engineErrors.PLUGIN_NO_MANIFEST(label, { details: { package: label } });
  }
  const found = (manifest as { apiVersion: unknown }).apiVersion;
  if (found !== PLUGIN_API_VERSION) {
    throw engineErrors.PLUGIN_API_VERSION_UNSUPPORTED(label, found, PLUGIN_API_VERSION, {
      details: { package: label, found, supported: PLUGIN_API_VERSION },
    });
  }
}

/**
 * Loads one package folder: package.json first, and its code only once the manifest says it is a
 * plugin for this contract version, so a package that is not one never runs.
 */
async function loadPackage(dir: string, conditions: readonly string[]): Promise<{ pkg: PluginPackage; info: LoadedPackage }> {
  const json = readPackageJson(dir, basename(dir));
  const label = typeof json.name === 'string' && json.name !== '' ? json.name : basename(dir);
  checkManifest(json, label);
  const entry = resolveEntry(dir, json, label, conditions);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(entry).href)) as { default?: unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw engineErrors.PLUGIN_IMPORT_FAILED(label, reason, { cause: error, details: { package: label, entry } });
  }
  // The brand, not instanceof: the plugin may have its own copy of @sluice/core.
  const pkg = module.default;
  if (!isPluginPackage(pkg)) throw engineErrors.PLUGIN_NOT_A_PACKAGE(label, { details: { package: label, entry } });
  if (pkg.apiVersion !== PLUGIN_API_VERSION) {
    throw engineErrors.PLUGIN_API_VERSION_UNSUPPORTED(label, pkg.apiVersion, PLUGIN_API_VERSION, {
      details: { package: label, found: pkg.apiVersion, supported: PLUGIN_API_VERSION },
    });
  }
  const version = typeof json.version === 'string' ? json.version : '0.0.0';
  return { pkg, info: { name: label, version, path: dir, types: [] } };
}

/**
 * Finds, checks and imports plugin packages, then builds the registry. Named packages load
 * first, in the given order, then the plugins directory's packages by folder name; a package
 * reached both ways loads once. Fails on the first bad package with a coded error whose
 * `details.package` names it: `PLUGIN_NOT_FOUND`, `PLUGIN_NO_MANIFEST`,
 * `PLUGIN_API_VERSION_UNSUPPORTED`, `PLUGIN_IMPORT_FAILED`, `PLUGIN_NOT_A_PACKAGE`,
 * `PLUGIN_DUPLICATE_TYPE`.
 */
export async function loadPlugins(options: LoadPluginsOptions): Promise<{ registry: PluginRegistry; packages: readonly LoadedPackage[] }> {
  const conditions = options.conditions ?? DEFAULT_CONDITIONS;
  const dirs = (options.packages ?? []).map((name) => findPackageDir(name, options.resolveFrom));
  if (options.pluginsDir !== undefined) dirs.push(...listPackageDirs(options.pluginsDir));
  const loaded: { pkg: PluginPackage; info: LoadedPackage }[] = [];
  // One at a time: the order of errors and of registration must not depend on import timing.
  for (const dir of new Set(dirs)) loaded.push(await loadPackage(dir, conditions));
  const registry = createRegistry(loaded);
  return { registry, packages: registry.packages() };
}
