#!/usr/bin/env node
// Packs what a plugin author installs when the registry has no `@sluice/*` packages:
// @sluice/core, @sluice/engine, @sluice/runtime-memory, @sluice/plugin-testing (which runs
// examples with the engine on the in-memory runtime) and @sluice/plugin-core-log (the Log task
// examples use). `pnpm pack` rewrites `workspace:` ranges to versions; `npm pack` does not, which
// is why this uses pnpm and then checks every packed package.json.
//
//   node scripts/pack-plugin-kit.mjs <folder> [--with-deps]
//
// `--with-deps` also writes a tarball of each third-party package they need, taken from this
// checkout's installed node_modules, so `npm install --offline <folder>/*.tgz` needs no registry.
// Run `pnpm install && pnpm build` first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KIT = ['packages/core', 'packages/engine', 'packages/runtime-memory', 'packages/plugin-testing', 'plugins/core-log'];

const [destArg, ...flags] = process.argv.slice(2);
if (destArg === undefined) {
  console.error('usage: node scripts/pack-plugin-kit.mjs <folder> [--with-deps]');
  process.exit(2);
}
const dest = resolve(destArg);
mkdirSync(dest, { recursive: true });

const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const tarballName = (name, version) => `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;

for (const dir of KIT) {
  execFileSync('pnpm', ['pack', '--pack-destination', dest], { cwd: join(root, dir), stdio: ['ignore', 'ignore', 'inherit'] });
  const { name, version } = manifest(join(root, dir));
  const packed = JSON.parse(execFileSync('tar', ['-xOzf', join(dest, tarballName(name, version)), 'package/package.json'], { encoding: 'utf8' }));
  const ranges = Object.entries({ ...packed.dependencies, ...packed.peerDependencies }).filter(([, range]) => String(range).startsWith('workspace:'));
  if (ranges.length > 0) throw new Error(`${name}: packed package.json still has workspace: ranges (${ranges.map(([dep]) => dep).join(', ')})`);
  console.log(tarballName(name, version));
}

if (flags.includes('--with-deps')) {
  // Every non-@sluice dependency, found from the package that declares it (pnpm's layout), and
  // theirs in turn. Tarred as `package/` from the installed folder, nested node_modules left
  // out, hard links (pnpm's store) written as files since npm drops link entries.
  const seen = new Set();
  const queue = KIT.map((dir) => join(root, dir));
  while (queue.length > 0) {
    const from = queue.shift();
    for (const dep of Object.keys(manifest(from).dependencies ?? {})) {
      if (dep.startsWith('@sluice/')) continue;
      const dir = realpathSync(join(from, 'node_modules', dep));
      if (seen.has(dir)) continue;
      seen.add(dir);
      const { name, version } = manifest(dir);
      const entries = readdirSync(dir).filter((entry) => entry !== 'node_modules');
      execFileSync('tar', ['--hard-dereference', '-czf', join(dest, tarballName(name, version)), '-C', dir, '--transform', 's,^,package/,', ...entries]);
      console.log(tarballName(name, version));
      queue.push(dir);
    }
  }
}
