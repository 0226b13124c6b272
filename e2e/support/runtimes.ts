import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys } from './api.js';
import { REDIS_URL, uniquePrefix } from './server-process.js';

/** The environment one server needs for a runtime, and how to clean up after it. */
export interface RuntimeSetup {
  readonly name: 'bullmq' | 'sqlite' | 'memory';
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** BullMQ on the shared Redis, under a key prefix of its own, deleted afterwards. */
export function bullmqRuntime(label: string): RuntimeSetup {
  const prefix = uniquePrefix(label);
  return {
    name: 'bullmq',
    env: { REDIS_URL, SLUICE_REDIS_PREFIX: prefix },
    async cleanup() {
      await deleteKeys(prefix);
    },
  };
}

/**
 * The default runtime without Redis: SQLite, its file in a data folder of its own, so no test
 * file (or run) finds another's flows and executions.
 */
export function sqliteRuntime(): RuntimeSetup {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-data-'));
  return {
    name: 'sqlite',
    env: { SLUICE_DATA_DIR: dir },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The in-memory runtime (`SLUICE_RUNTIME=memory`), with a data folder of its own: it writes
 * API-saved flows to `<SLUICE_DATA_DIR>/flows` and loads them at start.
 */
export function memoryRuntime(): RuntimeSetup {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-data-'));
  return {
    name: 'memory',
    env: { SLUICE_DATA_DIR: dir, SLUICE_RUNTIME: 'memory' },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The runtime on Redis and the default without it (SQLite), for `describe.each`. The in-memory
 * runtime, for tests and plugin authors, keeps its own runs in `webhook.test.ts` and
 * `embedded-runtime.test.ts`.
 */
export const RUNTIMES = [
  { name: 'bullmq', make: (label: string) => bullmqRuntime(label) },
  { name: 'sqlite', make: (_label: string) => sqliteRuntime() },
] as const;
