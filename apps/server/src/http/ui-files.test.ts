import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateUiDir, uiTarget } from './ui-files.js';

describe('UI files', () => {
  const root = resolve('/srv/ui/dist');

  it('maps a path to a file under the UI folder, hashed assets as immutable', () => {
    expect(uiTarget(root, 'favicon.svg')).toEqual({ kind: 'file', path: join(root, 'favicon.svg'), immutable: false });
    expect(uiTarget(root, 'assets/index-Ab12.js')).toEqual({ kind: 'file', path: join(root, 'assets', 'index-Ab12.js'), immutable: true });
    expect(uiTarget(root, 'a%20b.txt')).toEqual({ kind: 'file', path: join(root, 'a b.txt'), immutable: false });
  });

  it('answers the app page for paths that cannot name a file of the folder', () => {
    for (const rest of ['', '../secret', '..%2F..%2Fetc%2Fpasswd', 'a/../../x', '%E0%A4%A', 'x%00y', '.env', 'assets/.hidden', 'a\\..\\..\\x']) {
      expect(uiTarget(root, rest), rest).toEqual({ kind: 'page' });
    }
  });

  it('takes SLUICE_UI_DIR when set, else finds apps/ui/dist', () => {
    expect(locateUiDir('/tmp/some-ui')).toBe(resolve('/tmp/some-ui'));
    expect(locateUiDir(undefined)).toMatch(/[\\/]ui[\\/]dist$/);
  });
});
