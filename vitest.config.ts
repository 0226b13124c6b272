import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig, type Plugin } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@sluice/source`
// export condition, so unit tests never need a build. The e2e project runs the built
// server as a child process, so it is the one place that needs `pnpm build` first.
const conditions = ['@sluice/source', 'import', 'module', 'node', 'default'];
// Vitest also hands every SSR condition to the test workers as a Node `--conditions` flag, which
// applies to `require` too: with `import` there, a CommonJS package requiring a dual package
// (pg requiring pg-pool) gets its ESM build and breaks. Vite adds `import` or `require` by
// itself for each import, so the SSR list holds only what Node's own resolution should add.
const ssrConditions = ['@sluice/source', 'node'];

// examples/ holds plugin packages written as outside authors write them, outside the pnpm
// workspace, so pnpm links nothing into their node_modules and their bare `@sluice/*` imports
// would walk up to the root node_modules and fail. For importers under examples/ only, this
// resolves the Sluice packages an author installs to the workspace sources: the same files the
// `@sluice/source` condition gives workspace packages, so a test run holds one copy of the
// contract. Scoped by importer, unlike `resolve.alias`, so no workspace package can lean on it
// instead of declaring its dependencies.
const examplesDir = fileURLToPath(new URL('./examples/', import.meta.url));
const authorDependencies: Readonly<Record<string, string>> = {
  '@sluice/core': 'packages/core/src/index.ts',
  '@sluice/plugin-testing': 'packages/plugin-testing/src/index.ts',
  '@sluice/plugin-core-log': 'plugins/core-log/src/index.ts',
};
const examplesResolveWorkspace: Plugin = {
  name: 'sluice:examples-resolve-workspace',
  enforce: 'pre',
  resolveId(source, importer) {
    const target = importer?.startsWith(examplesDir) ? authorDependencies[source] : undefined;
    return target === undefined ? null : fileURLToPath(new URL(`./${target}`, import.meta.url));
  },
};

// The e2e files that fault Redis (stop it with SIGSTOP, kill or restart it) or measure how the
// server behaves against a deadline run alone, after everything else: another file's servers
// sharing the two CPUs would move what they measure. Every other e2e file starts its own servers
// on free ports with their own key prefixes and data folders, and mostly waits on them (ticks of
// a schedule, a restart), so two run at once.
const e2eAlone = ['e2e/redis-faults.test.ts', 'e2e/redis-outage.test.ts', 'e2e/reliability-outage.test.ts', 'e2e/reliability-shutdown.test.ts'];
const e2eTimeouts = { testTimeout: 60_000, hookTimeout: 60_000 };

export default defineConfig({
  plugins: [examplesResolveWorkspace],
  resolve: { conditions },
  ssr: { resolve: { conditions: ssrConditions, externalConditions: ['@sluice/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'plugins/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/**/*.test.{js,ts}', 'scripts/**/*.test.mjs'],
          testTimeout: 20_000,
          // Vitest's default on two CPUs is one worker; the unit files wait on Redis and SQLite
          // as much as they compute.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['e2e/**/*.test.ts'], exclude: [...configDefaults.exclude, ...e2eAlone], ...e2eTimeouts, maxWorkers: 2, sequence: { groupOrder: 1 } },
      },
      {
        extends: true,
        test: { name: 'e2e-alone', include: e2eAlone, ...e2eTimeouts, fileParallelism: false },
      },
    ],
  },
});
