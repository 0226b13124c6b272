import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys } from './api.js';
import { REDIS_URL, uniquePrefix } from './server-process.js';

/** The environment one server needs for a runtime, and how to clean up after it. */
export interface RuntimeSetup {
  readonly name: 'bullmq' | 'memory';
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
 * The embedded runtime, with a data folder of its own: it writes API-saved flows to
 * `<SLUICE_DATA_DIR>/flows` and loads them at start, so the default (`.sluice` in the working
 * directory) would carry flows from one test file, or one run, into the next.
 */
export function memoryRuntime(): RuntimeSetup {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-data-'));
  return {
    name: 'memory',
    env: { SLUICE_DATA_DIR: dir },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both runtimes, for `describe.each`. */
export const RUNTIMES = [
  { name: 'bullmq', make: (label: string) => bullmqRuntime(label) },
  { name: 'memory', make: (_label: string) => memoryRuntime() },
] as const;
