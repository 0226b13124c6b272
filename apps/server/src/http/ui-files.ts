import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the built web UI is: `SLUICE_UI_DIR` when set; else the `dist` folder of the `@sluice/ui`
 * package when the server can resolve it; else `apps/ui/dist` beside this package, as in a clone
 * of the repository.
 */
export function locateUiDir(configured: string | undefined): string {
  if (configured) return resolve(configured);
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@sluice/ui/package.json')), 'dist');
  } catch {
    // Not a dependency (yet), or its exports hide package.json: the clone's layout.
    return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'ui', 'dist');
  }
}

/** What a `/ui/...` path asks for. */
export type UiTarget =
  /** A file that may exist under the UI folder; `immutable` for the hashed build assets. */
  | { readonly kind: 'file'; readonly path: string; readonly immutable: boolean }
  /** A page of the app: answered with index.html, whose router shows it. */
  | { readonly kind: 'page' };

/**
 * Maps the part of a path after `/ui/` to a file under `root`, or to the app's page for paths
 * that cannot be a file: ones that do not decode, hold a NUL, climb out of the folder or name a
 * dotfile. `assets/...` is only ever a file (a missing asset is a 404, never the HTML page
 * cached for a year under a script's name).
 */
export function uiTarget(root: string, rest: string): UiTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return { kind: 'page' };
  }
  if (decoded === '' || decoded.includes('\0')) return { kind: 'page' };
  const segments = decoded.split(/[\\/]/);
  if (segments.some((s) => s.startsWith('.'))) return { kind: 'page' };
  const path = resolve(root, ...segments);
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return { kind: 'page' };
  return { kind: 'file', path, immutable: segments[0] === 'assets' };
}
