// Plugin packages outside the workspace (examples/) import `@sluice/core` as a peer their author
// installs; in this repository nothing is installed in their folders. To load them the way a
// host loads a self-hoster's SLUICE_PLUGINS_DIR, each one is copied into a temporary plugins
// folder whose node_modules links `@sluice/core` to the workspace package. A copy, not a
// symlink: the loader follows symlinks to the real folder, where `@sluice/core` would not
// resolve.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folders of `dir` whose package.json declares a Sluice plugin (a `sluice` field). */
export function pluginFolders(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .filter((entry) => 'sluice' in JSON.parse(readFileSync(join(dir, entry.name, 'package.json'), 'utf8')))
    .map((entry) => join(dir, entry.name))
    .sort();
}

/**
 * Copies each plugin folder of `sourceDir` (without its node_modules) into a new temporary
 * plugins folder with `node_modules/@sluice/core` linked to `corePackageDir`. Returns the folder
 * and a function that removes it.
 */
export function stageExternalPlugins(sourceDir, corePackageDir) {
  const staged = mkdtempSync(join(tmpdir(), 'sluice-plugins-'));
  for (const folder of pluginFolders(sourceDir)) {
    const name = folder.slice(sourceDir.length + 1);
    cpSync(folder, join(staged, name), { recursive: true, filter: (path) => !path.split(/[\\/]/).includes('node_modules') });
  }
  mkdirSync(join(staged, 'node_modules', '@sluice'), { recursive: true });
  symlinkSync(corePackageDir, join(staged, 'node_modules', '@sluice', 'core'), 'dir');
  return { dir: staged, remove: () => rmSync(staged, { recursive: true, force: true }) };
}
