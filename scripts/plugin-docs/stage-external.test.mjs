import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pluginFolders, stageExternalPlugins } from './stage-external.mjs';

describe('stageExternalPlugins', () => {
  const cleanup = [];
  afterEach(() => {
    for (const remove of cleanup.splice(0)) remove();
  });

  function sourceTree() {
    const dir = mkdtempSync(join(tmpdir(), 'stage-test-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const write = (path, text) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('greeting/package.json', '{"name":"sluice-plugin-greeting","sluice":{"apiVersion":1}}');
    write('greeting/index.js', 'export default 1;');
    write('greeting/node_modules/dep/index.js', '');
    write('not-a-plugin/package.json', '{"name":"other"}');
    write('loose-file.md', '');
    return dir;
  }

  it('finds only folders whose package.json declares a Sluice plugin', () => {
    const dir = sourceTree();
    expect(pluginFolders(dir)).toEqual([join(dir, 'greeting')]);
    expect(pluginFolders(join(dir, 'missing'))).toEqual([]);
  });

  it('copies each plugin without its node_modules and links @sluice/core beside them', () => {
    const staged = stageExternalPlugins(sourceTree(), '/where/core/lives');
    cleanup.push(staged.remove);
    expect(existsSync(join(staged.dir, 'greeting', 'index.js'))).toBe(true);
    expect(existsSync(join(staged.dir, 'greeting', 'node_modules'))).toBe(false);
    expect(existsSync(join(staged.dir, 'not-a-plugin'))).toBe(false);
    expect(readlinkSync(join(staged.dir, 'node_modules', '@sluice', 'core'))).toBe('/where/core/lives');
    staged.remove();
    expect(existsSync(staged.dir)).toBe(false);
  });
});
