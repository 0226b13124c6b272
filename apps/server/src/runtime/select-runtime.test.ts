import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { runtimeKind, selectRuntime } from './select-runtime.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-select-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });

describe('selectRuntime', () => {
  it('picks SQLite without REDIS_URL, BullMQ with it, and SLUICE_RUNTIME over both', () => {
    expect(runtimeKind(loadConfig({}))).toBe('sqlite');
    expect(runtimeKind(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }))).toBe('bullmq');
    expect(runtimeKind(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', SLUICE_RUNTIME: 'memory' }))).toBe('memory');
  });

  it('opens the SQLite file in the data folder with the retention and durability configured, and says so', async () => {
    const dir = join(root, 'data');
    const { runtime, description, fields } = await selectRuntime(
      loadConfig({ SLUICE_DATA_DIR: dir, SLUICE_SQLITE_SYNCHRONOUS: 'full', SLUICE_RETENTION_MAX_AGE_HOURS: '36', SLUICE_RETENTION_MAX_EXECUTIONS: '5000' }),
      'standalone',
      logger,
    );
    try {
      expect(runtime.name).toBe('sqlite');
      expect(runtime.durable).toBe(true);
      expect(description).toBe(`executions are stored in ${join(dir, 'sluice.db')} (synchronous full), kept for 36 hours and at most 5000, 10000 log lines each`);
      expect(fields).toMatchObject({ file: join(dir, 'sluice.db'), maxExecutions: 5000, maxAgeHours: 36 });
    } finally {
      await runtime.close();
    }
  });

  it('bounds the memory runtime by default too', async () => {
    const { runtime, description } = await selectRuntime(loadConfig({ SLUICE_RUNTIME: 'memory' }), 'standalone', logger);
    await runtime.close();
    expect(description).toContain('at most 10000 executions, for 7 days');
  });

  it('refuses a count of executions on Redis, which expires by age only, before connecting', async () => {
    await expect(selectRuntime(loadConfig({ REDIS_URL: 'redis://127.0.0.1:1', SLUICE_RETENTION_MAX_EXECUTIONS: '10' }), 'standalone', logger))
      .rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('SLUICE_RETENTION_MAX_EXECUTIONS: not available on Redis') });
  });

  it('refuses the embedded runtimes in the roles that share a queue', async () => {
    await expect(selectRuntime(loadConfig({ SLUICE_DATA_DIR: join(root, 'w') }), 'worker', logger)).rejects.toMatchObject({ code: 'ROLE_NEEDS_REDIS' });
  });
});
