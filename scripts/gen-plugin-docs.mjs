#!/usr/bin/env node
// `pnpm docs:plugins`: writes docs/plugins/<type>.md for every task and trigger type of the
// plugins in this repository (plugins/* and the outside-author examples in examples/*), plus an
// index. The pages come from the registry the built engine's `loadPlugins` builds, the loader
// the server uses, so they show exactly what a running Sluice accepts. Run after a build.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATED_NOTE, pageFileName, renderIndexPage, renderPluginPage } from './plugin-docs/render-page.mjs';
import { stageExternalPlugins } from './plugin-docs/stage-external.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'docs', 'plugins');
const engine = await import(join(root, 'packages/engine/dist/index.js'));

/** Every registered task and trigger of the packages found in `pluginsDir`. */
async function entriesOf(pluginsDir) {
  const { registry } = await engine.loadPlugins({ pluginsDir, resolveFrom: pluginsDir });
  return [...registry.tasks(), ...registry.triggers()];
}

const entries = await entriesOf(join(root, 'plugins'));
const external = stageExternalPlugins(join(root, 'examples'), join(root, 'packages', 'core'));
try {
  entries.push(...(await entriesOf(external.dir)));
} finally {
  external.remove();
}

// The two loads build two registries; a type claimed in both would make two pages one file.
const seen = new Map();
for (const entry of entries) {
  const other = seen.get(entry.type);
  if (other) throw new Error(`type ${entry.type} is declared by both ${other} and ${entry.package.name}`);
  seen.set(entry.type, entry.package.name);
}

mkdirSync(outDir, { recursive: true });
const pages = new Map(entries.map((entry) => [pageFileName(entry.type), renderPluginPage(entry)]));
pages.set('README.md', renderIndexPage(entries));
// A page of a type that no longer exists would mislead; only generated files are removed.
for (const name of readdirSync(outDir)) {
  const path = join(outDir, name);
  if (!pages.has(name) && name.endsWith('.md') && readFileSync(path, 'utf8').startsWith(GENERATED_NOTE)) rmSync(path);
}
for (const [name, text] of pages) {
  const path = join(outDir, name);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
}
console.log(`docs/plugins: ${entries.length} pages (${[...seen.keys()].join(', ')}) and README.md`);
