import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, type FSWatcher } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchFolderTree, type FolderTreeWatch } from './folder-watch.js';

const dirs: string[] = [];
const trees: FolderTreeWatch[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) tree.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-folder-watch-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'team', 'deep'), { recursive: true });
  return dir;
}

describe('watchFolderTree', () => {
  it('watches each folder once, however many files they hold, and hears changes at every depth', async () => {
    const dir = tempTree();
    for (let i = 0; i < 50; i++) writeFileSync(join(dir, `f${i}.yaml`), 'x');
    let changes = 0;
    const tree = watchFolderTree(dir, () => changes++, (error) => { throw error; });
    trees.push(tree);
    expect(tree.folders).toBe(3);
    for (const file of ['f1.yaml', join('team', 'b.yaml'), join('team', 'deep', 'c.yaml')]) {
      const before = changes;
      writeFileSync(join(dir, file), 'changed');
      await vi.waitFor(() => expect(changes).toBeGreaterThan(before), { timeout: 2000, interval: 10 });
    }
  });

  it('watches a folder created later once synced, and forgets a removed one', async () => {
    const dir = tempTree();
    let changes = 0;
    const tree = watchFolderTree(dir, () => changes++, (error) => { throw error; });
    trees.push(tree);
    mkdirSync(join(dir, 'ops'));
    await vi.waitFor(() => expect(changes).toBeGreaterThan(0), { timeout: 2000, interval: 10 });
    tree.sync();
    expect(tree.folders).toBe(4);
    const before = changes;
    writeFileSync(join(dir, 'ops', 'd.yaml'), 'new');
    await vi.waitFor(() => expect(changes).toBeGreaterThan(before), { timeout: 2000, interval: 10 });
    rmSync(join(dir, 'team'), { recursive: true, force: true });
    tree.sync();
    expect(tree.folders).toBe(2);
  });

  it('reports a watch that fails (a full inotify table, say) and drops it, without throwing', () => {
    const dir = tempTree();
    const fakes = new Map<string, EventEmitter>();
    const fake = (folder: string) => {
      const watcher = Object.assign(new EventEmitter(), { close: () => undefined });
      fakes.set(folder, watcher);
      return watcher as unknown as FSWatcher;
    };
    const errors: [string, string | undefined][] = [];
    const tree = watchFolderTree(dir, () => undefined, (error, folder) => errors.push([folder, (error as NodeJS.ErrnoException).code]), fake);
    trees.push(tree);
    expect(tree.folders).toBe(3);
    const full = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    expect(() => fakes.get(join(dir, 'team'))?.emit('error', full)).not.toThrow();
    expect(errors).toEqual([[join(dir, 'team'), 'ENOSPC']]);
    expect(tree.folders).toBe(2);
  });
});
