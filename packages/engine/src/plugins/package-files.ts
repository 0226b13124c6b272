import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { engineErrors } from '../errors.js';

/** A package.json as far as the loader reads it. */
export interface PackageJson {
  readonly name?: unknown;
  readonly version?: unknown;
  readonly main?: unknown;
  readonly exports?: unknown;
  readonly sluice?: unknown;
}

// npm's rule for package names; anything else could walk out of node_modules (`../x`).
const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * The directory of package `name` as Node would find it from `from`: the first
 * `node_modules/<name>` with a package.json, walking up. Looking at the folder instead of
 * `require.resolve('<name>/package.json')` works for packages whose `exports` map hides their
 * package.json. Symlinks (pnpm, workspaces) are resolved, so the package's own imports resolve
 * from where it really lives. Throws `PLUGIN_NOT_FOUND`.
 */
export function findPackageDir(name: string, from: string): string {
  if (PACKAGE_NAME.test(name)) {
    let dir = resolve(from);
    for (;;) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw engineErrors.PLUGIN_NOT_FOUND(name, from, { details: { package: name } });
}

/**
 * The package folders of a plugins directory, sorted by name so loading order (and so which of
 * two duplicates is named first) never depends on the file system: every folder holding a
 * package.json, every such folder inside an `@scope` folder, and in `node_modules`, when the
 * directory is an npm project, the `sluice-plugin-*` and `@scope/sluice-plugin-*` packages (not
 * their dependencies, which are no plugins).
 */
export function listPackageDirs(pluginsDir: string): string[] {
  const root = resolve(pluginsDir);
  const found: string[] = [];
  const scan = (dir: string, accept: (name: string) => boolean, scoped: boolean) => {
    if (!isDirectory(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const path = join(dir, name);
      if (name.startsWith('@') && scoped) scan(path, accept, false);
      else if (accept(name) && existsSync(join(path, 'package.json'))) found.push(realpathSync(path));
    }
  };
  scan(root, () => true, true);
  scan(join(root, 'node_modules'), (name) => name.startsWith('sluice-plugin-'), true);
  return [...new Set(found)];
}

/** Reads and parses `<dir>/package.json`; a broken file is `PLUGIN_IMPORT_FAILED`. */
export function readPackageJson(dir: string, label: string): PackageJson {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a JSON object');
    return parsed as PackageJson;
  } catch (error) {
    const reason = `cannot read its package.json: ${error instanceof Error ? error.message : String(error)}`;
    throw engineErrors.PLUGIN_IMPORT_FAILED(label, reason, { cause: error, details: { package: label } });
  }
}

// One target of an exports map: a path, a list of fallbacks, or conditions. `null` means
// "not exported", so it stops the search instead of falling through to the next condition.
function pick(target: unknown, conditions: readonly string[]): string | null | undefined {
  if (typeof target === 'string') return target;
  if (target === null) return null;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = pick(item, conditions);
      if (typeof found === 'string') return found;
    }
    return undefined;
  }
  if (typeof target === 'object') {
    const map = target as Record<string, unknown>;
    for (const condition of conditions) {
      if (!(condition in map)) continue;
      const found = pick(map[condition], conditions);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * The file to import for a package: `exports['.']` (or a sugar `exports` string or conditions
 * object) resolved by trying `conditions` in the given order, else `main`, else `index.js`.
 * The entry must stay inside the package. Throws `PLUGIN_IMPORT_FAILED`.
 */
export function resolveEntry(dir: string, pkg: PackageJson, label: string, conditions: readonly string[]): string {
  const fail = (reason: string): never => {
    throw engineErrors.PLUGIN_IMPORT_FAILED(label, reason, { details: { package: label } });
  };
  let relative: string | undefined;
  if (pkg.exports !== undefined) {
    const exportsMap = pkg.exports;
    const subpaths = typeof exportsMap === 'object' && exportsMap !== null && !Array.isArray(exportsMap)
      && Object.keys(exportsMap).some((key) => key.startsWith('.'));
    const root = subpaths ? (exportsMap as Record<string, unknown>)['.'] : exportsMap;
    const found = pick(root, conditions);
    if (typeof found !== 'string') return fail(`its package.json "exports" has no "." entry for the conditions ${conditions.join(', ')}`);
    relative = found;
  } else {
    relative = typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : 'index.js';
  }
  const base = resolve(dir, relative);
  if (base !== dir && !base.startsWith(dir + sep)) return fail(`its entry ${relative} is outside the package`);
  // `main` may omit the extension or name a folder, as Node allows for it.
  const entry = [base, `${base}.js`, join(base, 'index.js')].find((path) => existsSync(path) && !isDirectory(path));
  return entry ?? fail(`its entry ${relative} does not exist`);
}
