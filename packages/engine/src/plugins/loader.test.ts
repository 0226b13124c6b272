import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isSluiceError, type SluiceError } from '@sluice/core';
import { loadPlugins } from './loader.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = resolve(here, '../../test/fixtures');
const engineDir = resolve(here, '../..');
const SOURCE = ['@sluice/source', 'import', 'default'];

async function failure(promise: Promise<unknown>): Promise<SluiceError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!isSluiceError(error)) throw new Error(`expected a SluiceError, got ${String(error)}`);
  return error;
}

// A throwaway project whose node_modules links to fixture packages, as npm would install them.
const project = mkdtempSync(join(tmpdir(), 'sluice-loader-'));
mkdirSync(join(project, 'node_modules', '@acme'), { recursive: true });
mkdirSync(join(project, 'app', 'deep'), { recursive: true });
symlinkSync(join(fixtures, 'plugins-dir/sluice-plugin-greet'), join(project, 'node_modules/sluice-plugin-greet'), 'dir');
symlinkSync(join(fixtures, 'plugins-dir/@acme/sluice-plugin-shout'), join(project, 'node_modules/@acme/sluice-plugin-shout'), 'dir');
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('loadPlugins from a plugins directory', () => {
  it('loads every package folder, scoped ones included, in name order', async () => {
    const { registry, packages } = await loadPlugins({ pluginsDir: join(fixtures, 'plugins-dir'), resolveFrom: engineDir });
    expect(packages.map((p) => [p.name, p.version, p.types])).toEqual([
      ['@acme/sluice-plugin-shout', '0.1.0', ['dev.acme.Shout']],
      ['sluice-plugin-greet', '1.2.3', ['dev.sluice.fixtures.Greet']],
    ]);
    expect(packages[1]?.path).toBe(join(fixtures, 'plugins-dir/sluice-plugin-greet'));
    const greet = registry.task('dev.sluice.fixtures.Greet');
    expect(greet?.package.name).toBe('sluice-plugin-greet');
    expect(registry.task('dev.sluice.fixtures.Hello')).toBe(greet);
  });

  it('refuses two packages declaring one type, naming both', async () => {
    const error = await failure(loadPlugins({ pluginsDir: join(fixtures, 'bad-plugins/duplicate'), resolveFrom: engineDir }));
    expect(error.code).toBe('PLUGIN_DUPLICATE_TYPE');
    expect(error.message).toContain("'dev.sluice.fixtures.Hi'");
    expect(error.message).toContain("'sluice-plugin-hello'");
    expect(error.message).toContain("'sluice-plugin-hello-twin'");
    expect(error.details).toMatchObject({ package: 'sluice-plugin-hello-twin', packages: ['sluice-plugin-hello', 'sluice-plugin-hello-twin'] });
  });

  it('refuses an unsupported apiVersion from package.json without running the package', async () => {
    const error = await failure(loadPlugins({ pluginsDir: join(fixtures, 'bad-plugins/wrong-api-version'), resolveFrom: engineDir }));
    expect(error.code).toBe('PLUGIN_API_VERSION_UNSUPPORTED');
    expect(error.details).toMatchObject({ package: 'sluice-plugin-future', found: 2, supported: 1 });
  });

  it('refuses a package without the sluice manifest without running it', async () => {
    const error = await failure(loadPlugins({ pluginsDir: join(fixtures, 'bad-plugins/no-manifest'), resolveFrom: engineDir }));
    expect(error.code).toBe('PLUGIN_NO_MANIFEST');
    expect(error.details).toMatchObject({ package: 'sluice-plugin-plain' });
  });

  it('refuses a default export without the brand, whatever its shape', async () => {
    const error = await failure(loadPlugins({ pluginsDir: join(fixtures, 'bad-plugins/not-branded'), resolveFrom: engineDir }));
    expect(error.code).toBe('PLUGIN_NOT_A_PACKAGE');
    expect(error.details).toMatchObject({ package: 'sluice-plugin-unbranded' });
  });

  it('reports a package that throws at import', async () => {
    const error = await failure(loadPlugins({ pluginsDir: join(fixtures, 'bad-plugins/broken-import'), resolveFrom: engineDir }));
    expect(error.code).toBe('PLUGIN_IMPORT_FAILED');
    expect(error.message).toContain('boom at import');
    expect(error.details).toMatchObject({ package: 'sluice-plugin-broken' });
  });
});

describe('loadPlugins by package name', () => {
  it('walks up node_modules from resolveFrom, following symlinks, through an exports map', async () => {
    const { registry, packages } = await loadPlugins({
      packages: ['sluice-plugin-greet', '@acme/sluice-plugin-shout'],
      resolveFrom: join(project, 'app', 'deep'),
    });
    expect(packages.map((p) => p.name)).toEqual(['sluice-plugin-greet', '@acme/sluice-plugin-shout']);
    expect(packages[0]?.path).toBe(join(fixtures, 'plugins-dir/sluice-plugin-greet'));
    expect(registry.task('dev.acme.Shout')?.package.name).toBe('@acme/sluice-plugin-shout');
  });

  it('loads a package reached both by name and through the directory once', async () => {
    const { packages } = await loadPlugins({ packages: ['sluice-plugin-greet'], pluginsDir: join(fixtures, 'plugins-dir'), resolveFrom: project });
    expect(packages.map((p) => p.name)).toEqual(['sluice-plugin-greet', '@acme/sluice-plugin-shout']);
  });

  it('finds a package whose exports map hides its package.json, then checks its manifest', async () => {
    // @sluice/core exports only "." and has no "sluice" field: found, then refused for the manifest.
    const error = await failure(loadPlugins({ packages: ['@sluice/core'], resolveFrom: engineDir }));
    expect(error.code).toBe('PLUGIN_NO_MANIFEST');
    expect(error.details).toMatchObject({ package: '@sluice/core' });
  });

  it('reports a package that is not installed, and refuses names that are not package names', async () => {
    for (const name of ['sluice-plugin-missing', '../plugins-dir/sluice-plugin-greet']) {
      const error = await failure(loadPlugins({ packages: [name], resolveFrom: project }));
      expect(error.code).toBe('PLUGIN_NOT_FOUND');
      expect(error.details).toMatchObject({ package: name });
    }
  });
});

describe('export conditions', () => {
  const dir = join(fixtures, 'source-plugins');

  it('load the TypeScript source when @sluice/source comes first', async () => {
    const { registry } = await loadPlugins({ pluginsDir: dir, resolveFrom: engineDir, conditions: SOURCE });
    expect(registry.trigger('dev.sluice.fixtures.Tick')?.definition.mode).toBe('schedule');
  });

  it('default to import, default: the unbuilt dist is reported, not guessed around', async () => {
    const error = await failure(loadPlugins({ pluginsDir: dir, resolveFrom: engineDir }));
    expect(error.code).toBe('PLUGIN_IMPORT_FAILED');
    expect(error.message).toContain('./dist/index.js');
    expect(error.details).toMatchObject({ package: 'sluice-plugin-typed' });
  });
});
