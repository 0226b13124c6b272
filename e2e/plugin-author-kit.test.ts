import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The install steps of docs/writing-plugins.md section 1, for an author whose registry has no
 * `@sluice/*` packages, followed literally in an empty folder: pack the kit, install the
 * tarballs with npm and no registry (`--offline`, the third-party packages packed too), copy the
 * outside author's poll trigger in and run its own tests against what was installed.
 */
describe('the plugin author kit, installed from tarballs without a registry', () => {
  const work = mkdtempSync(join(tmpdir(), 'sluice-e2e-author-poll-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_cache: join(work, 'npm-cache') } });

  it('packs, installs offline and runs the example poll trigger\'s tests', () => {
    const kit = join(work, 'kit');
    run('node', [join(root, 'scripts', 'pack-plugin-kit.mjs'), kit, '--with-deps'], root);
    const tarballs = readdirSync(kit).filter((name) => name.endsWith('.tgz'));
    expect(tarballs).toEqual(expect.arrayContaining(['sluice-core-0.1.0.tgz', 'sluice-engine-0.1.0.tgz', 'sluice-runtime-memory-0.1.0.tgz', 'sluice-plugin-testing-0.1.0.tgz', 'sluice-plugin-core-log-0.1.0.tgz']));

    const plugin = join(work, 'sluice-plugin-inbox');
    cpSync(join(root, 'examples', 'folder-poll-trigger'), plugin, { recursive: true, filter: (path) => !path.includes('node_modules') });
    // An empty npm cache and --offline: any request to a registry fails the install.
    run('npm', ['install', '--offline', '--no-save', '--no-audit', '--no-fund', ...tarballs.map((name) => join(kit, name))], plugin);
    const output = run('npm', ['test'], plugin);
    expect(output).toMatch(/# fail 0/);
    expect(output).toMatch(/# pass [1-9]/);
  });
});
