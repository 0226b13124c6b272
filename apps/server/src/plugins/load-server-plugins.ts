import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPlugins, type LoadedPackage, type PluginRegistry } from '@sluice/engine';
import type { Config } from '../config/config.schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..', '..');

/**
 * The bundled plugins are named in this package's `sluice.plugins` field and go through the
 * same loader as third-party ones (ARCHITECTURE: the server never imports a plugin
 * statically). SLUICE_PLUGINS adds packages by name; SLUICE_PLUGINS_DIR adds a folder.
 */
export async function loadServerPlugins(config: Config): Promise<{ registry: PluginRegistry; packages: readonly LoadedPackage[] }> {
  const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { sluice?: { plugins?: string[] } };
  const extra = (config.SLUICE_PLUGINS ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  return loadPlugins({
    packages: [...(manifest.sluice?.plugins ?? []), ...extra],
    ...(config.SLUICE_PLUGINS_DIR ? { pluginsDir: config.SLUICE_PLUGINS_DIR } : {}),
    resolveFrom: packageRoot,
  });
}
