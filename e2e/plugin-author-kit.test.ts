import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, type ExecutionJson } from './support/api.js';
import { sqliteRuntime, type RuntimeSetup } from './support/runtimes.js';
import { eventually, startServer, type ServerProcess } from './support/server-process.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The install steps of docs/writing-plugins.md (sections 1 and 7) for an author whose registry
 * has no `@sluice/*` packages, followed literally in empty folders: pack the kit with
 * `scripts/pack-plugin-kit.mjs --with-deps`, install the tarballs with npm, an empty cache and
 * `--offline` (so any request to a registry fails the install), run the outside author's poll
 * trigger's own tests against what was installed, then `npm pack` it, install it into a plugins
 * folder and see the built server's poll start an execution per new file.
 */
// npm installs dominate: bounded well above what they take on a busy machine.
describe('the plugin author kit, installed from tarballs without a registry', { timeout: 180_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'sluice-e2e-author-poll-'));
  const kit = join(work, 'kit');
  const plugin = join(work, 'sluice-plugin-inbox');
  let tarballs: string[] = [];
  let server: ServerProcess | undefined;
  let runtime: RuntimeSetup | undefined;
  const run = (command: string, args: string[], cwd: string) =>
    execFileSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_cache: join(work, 'npm-cache') } });
  const npmInstall = (cwd: string, files: string[], ...flags: string[]) => run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...flags, ...files], cwd);
  const fromKit = (...prefixes: string[]) => tarballs.filter((name) => prefixes.some((prefix) => name.startsWith(prefix))).map((name) => join(kit, name));

  beforeAll(() => {
    run('node', [join(root, 'scripts', 'pack-plugin-kit.mjs'), kit, '--with-deps'], root);
    tarballs = readdirSync(kit).filter((name) => name.endsWith('.tgz'));
  }, 180_000);
  afterAll(async () => {
    if (server !== undefined) expect(await server.stop()).toBe(0);
    await runtime?.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('packs every package plugin-testing needs, with no workspace: range left', () => {
    expect(tarballs).toEqual(expect.arrayContaining(['sluice-core-0.1.0.tgz', 'sluice-engine-0.1.0.tgz', 'sluice-runtime-memory-0.1.0.tgz', 'sluice-plugin-testing-0.1.0.tgz', 'sluice-plugin-core-log-0.1.0.tgz']));
    for (const name of tarballs.filter((file) => file.startsWith('sluice-'))) {
      expect(run('tar', ['-xOzf', join(kit, name), 'package/package.json'], work), name).not.toContain('workspace:');
    }
  });

  it("installs offline and runs the example poll trigger's own tests", () => {
    cpSync(join(root, 'examples', 'folder-poll-trigger'), plugin, { recursive: true, filter: (path) => !path.includes('node_modules') });
    // --no-save, as the docs say: saved, the tarballs' file: paths would replace the ^0.1.0
    // ranges in the plugin's package.json, and its packed peer range would point at this folder.
    npmInstall(plugin, tarballs.map((name) => join(kit, name)), '--no-save');
    expect(run('git', ['diff', '--no-index', '--stat', join(root, 'examples', 'folder-poll-trigger', 'package.json'), join(plugin, 'package.json')], work)).toBe('');
    // Its JSDoc types checked against the packed declarations of @sluice/core and plugin-testing,
    // with the TypeScript and Node types an author brings (here the checkout's).
    run(join(root, 'node_modules', '.bin', 'tsc'), [
      '--noEmit', '--allowJs', '--checkJs', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--typeRoots', join(root, 'node_modules', '@types'), '--types', 'node', 'index.js',
    ], plugin);
    const output = run('npm', ['test'], plugin);
    expect(output).toMatch(/# fail 0/);
    expect(output).toMatch(/# pass [1-9]/);
  });

  it('loads into the built server from SLUICE_PLUGINS_DIR, whose poll starts one execution per new file', async () => {
    const packed = run('npm', ['pack', '--silent', '--pack-destination', work], plugin).trim().split('\n').at(-1) ?? '';
    const pluginsDir = join(work, 'plugins');
    mkdirSync(pluginsDir);
    run('npm', ['init', '-y'], pluginsDir);
    // @sluice/core and its own dependencies, and the plugin's tarball.
    npmInstall(pluginsDir, [...fromKit('sluice-core-', 'sinclair-typebox-', 'lossless-json-'), join(work, packed)]);

    runtime = sqliteRuntime();
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir });
    await server.waitForLine(/plugin package sluice-plugin-inbox@1\.0\.0 loaded: com\.example\.inbox\.NewFiles/);

    const inbox = join(work, 'inbox');
    mkdirSync(inbox);
    // The example's own flow, on the test's folder and polling faster.
    const examplesFile = pathToFileURL(join(root, 'examples', 'folder-poll-trigger', 'inbox.examples.js')).href;
    const { inboxExamples } = (await import(examplesFile)) as { inboxExamples: readonly { flow: string }[] };
    await createFlow(server.url, (inboxExamples[0]?.flow ?? '').replace('/srv/inbox', inbox).replace('PT30S', 'PT0.2S'));
    writeFileSync(join(inbox, 'a.csv'), 'id\n1\n');
    writeFileSync(join(inbox, 'ignored.txt'), 'x');
    const url = server.url;
    const search = async () => {
      const res = await api(url, '/api/v1/main/executions/search?namespace=company.team&flowId=inbox_csv&size=50');
      expect(res.status).toBe(200);
      return ((await res.json()) as { results: ExecutionJson[] }).results;
    };
    const first = await eventually(async () => (await search()).find((execution) => execution.state.current === 'SUCCESS'), 20_000);
    expect(first.trigger).toMatchObject({ id: 'inbox', type: 'com.example.inbox.NewFiles', variables: { name: 'a.csv', size: 5 } });

    // A second file is a second execution; the first is not started again.
    writeFileSync(join(inbox, 'b.csv'), 'id\n2\n');
    const both = await eventually(async () => {
      const results = await search();
      return results.length >= 2 && results.every((execution) => execution.state.current === 'SUCCESS') ? results : undefined;
    }, 20_000);
    const names = both.map((execution) => (execution.trigger?.variables as unknown as { name: string }).name).sort();
    expect(names).toEqual(['a.csv', 'b.csv']);
  });
});
