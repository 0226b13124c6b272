import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { anExecution } from '@sluice/runtime-contract';
import { createSqliteRuntime, DATABASE_FILE, SCHEMA_VERSION } from './index.js';
import { networkFilesystem } from './open-database.js';
import { made, mountTmpfs, tempDirs, toSchema8 } from './test-support.js';

const dirs = tempDirs('open');
afterAll(() => dirs.cleanup());

const refusal = (dir: string, extra: object = {}): unknown => {
  try {
    createSqliteRuntime({ dir, ...extra }).close();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('opening the SQLite database', () => {
  it('creates the folder and the file, with the schema version in user_version and a write-ahead log', async () => {
    const dir = join(dirs.next(), 'nested');
    const upgrades: [number, number][] = [];
    const runtime = createSqliteRuntime({ dir, onMigrate: (from, to) => upgrades.push([from, to]) });
    expect(runtime.file).toBe(join(dir, DATABASE_FILE));
    await runtime.close();
    // A new file is made at the current version: nothing to announce, then or at the next open.
    await createSqliteRuntime({ dir, onMigrate: (from, to) => upgrades.push([from, to]) }).close();
    expect(upgrades).toEqual([]);
    const db = new BetterSqlite3(join(dir, DATABASE_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a file another runtime holds, naming it, and opens it once that one closed', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    expect(refusal(dir)).toMatchObject({ code: 'SQLITE_LOCKED', message: expect.stringContaining(join(dir, DATABASE_FILE)) });
    await first.close();
    await createSqliteRuntime({ dir }).close();
  });

  it('migrates a file of an older schema version in place, keeping what it holds', async () => {
    const dir = dirs.next();
    const first = createSqliteRuntime({ dir });
    const execution = anExecution();
    await first.executions.create(execution);
    await first.close();
    // What version 1 was: no sessions table, no key-value table, no table of jobs queued for a
    // date, no trigger states, no trigger windows, no concurrency slots, no task runs apart.
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    toSchema8(db);
    db.exec('DROP TABLE sessions; DROP TABLE kv; DROP TABLE queue_delayed; DROP TABLE trigger_states; DROP TABLE trigger_windows; DROP TABLE concurrency_slots; DROP TABLE concurrency_queue; DROP TABLE task_runs');
    db.pragma('user_version = 1');
    db.close();
    // Said before it starts: a step may rewrite every row, and the start waits for it.
    const upgrades: [number, number][] = [];
    const second = createSqliteRuntime({ dir, onMigrate: (from, to) => upgrades.push([from, to]) });
    expect(upgrades).toEqual([[1, SCHEMA_VERSION]]);
    try {
      expect(await second.executions.get(execution.id)).toEqual(execution);
      await second.sessions.create('s', { username: 'u', csrfToken: 'c', createdAt: 0, expiresAt: Date.now() + 60_000 }, 60_000);
      expect(await second.sessions.touch('s', 60_000)).toBeDefined();
      const key = { tenantId: 'main', namespace: 'company.team', key: 'k' };
      await second.kv.set(key, { value: 1, updated: new Date().toISOString() });
      expect((await second.kv.get(key))?.value).toBe(1);
      await second.queue.enqueue(execution.id, { at: new Date(Date.now() + 60_000) });
      const trigger = { tenantId: 'main', namespace: 'n', flowId: 'f', triggerId: 't' };
      expect((await second.triggers.setDisabled(trigger, true)).disabled).toBe(true);
      const entry = { id: 'w', conditions: ['a'], met: ['a'], at: 1, bounds: { start: 0, end: 10 }, resetOnSuccess: true };
      expect(await second.triggers.recordWindow(trigger, 'e', entry)).toEqual({ fired: true });
      const flow = { tenantId: 'main', namespace: 'n', id: 'f' };
      expect((await second.concurrency.acquire(flow, 'e', { limit: 1, queue: true, at: 1 })).outcome).toBe('running');
      expect(await second.concurrency.slots(flow)).toEqual({ running: ['e'], queued: [] });
    } finally {
      await second.close();
    }
  });

  it('refuses a file from a newer version, naming both versions', async () => {
    const dir = dirs.next();
    await createSqliteRuntime({ dir }).close();
    const db = new BetterSqlite3(join(dir, DATABASE_FILE));
    db.pragma(`user_version = ${SCHEMA_VERSION + 4}`);
    db.close();
    const error = refusal(dir) as Error;
    expect(error).toMatchObject({ code: 'SQLITE_NEWER_SCHEMA' });
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 4}`);
    expect(error.message).toContain(`up to version ${SCHEMA_VERSION}`);
  });

  it('refuses a file that is not a database, naming it and how to recover', () => {
    const dir = made(dirs.next());
    writeFileSync(join(dir, DATABASE_FILE), 'this is not a database, it is a text file that happens to be long enough '.repeat(100));
    const error = refusal(dir) as Error;
    expect(error).toMatchObject({ code: 'SQLITE_CORRUPT' });
    expect(error.message).toContain(join(dir, DATABASE_FILE));
    expect(error.message).toContain('.recover');
  });

  it('refuses a database whose pages are torn', async () => {
    const dir = dirs.next();
    const runtime = createSqliteRuntime({ dir });
    for (let i = 0; i < 200; i++) await runtime.executions.create(anExecution());
    await runtime.close();
    const file = join(dir, DATABASE_FILE);
    const bytes = readFileSync(file);
    // Past the header and the schema page: garbage over the tables' pages.
    bytes.fill(0x5a, 4096 * 2, Math.min(bytes.length, 4096 * 2 + 40_000));
    writeFileSync(file, bytes);
    expect(refusal(dir)).toMatchObject({ code: 'SQLITE_CORRUPT' });
  });

  it('refuses a data folder that is a file', () => {
    const parent = made(dirs.next());
    writeFileSync(join(parent, 'data'), '');
    expect(refusal(join(parent, 'data'))).toMatchObject({ code: 'SQLITE_DATA_DIR_UNUSABLE' });
  });

  it('knows the network file systems by their statfs type (NFS, SMB, 9p) and lets local ones through', () => {
    expect(networkFilesystem(0x6969)).toBe('NFS');
    expect(networkFilesystem(0xfe534d42)).toBe('SMB2');
    expect(networkFilesystem(0x01021997)).toBe('9p');
    expect(networkFilesystem(0xef53)).toBeUndefined(); // ext4
    expect(networkFilesystem(0x794c7630)).toBeUndefined(); // overlayfs
    expect(networkFilesystem(0x01021994)).toBeUndefined(); // tmpfs
  });

  it('refuses a folder with less free space than it needs', () => {
    expect(refusal(dirs.next(), { minFreeBytes: Number.MAX_SAFE_INTEGER })).toMatchObject({ code: 'SQLITE_DISK_FULL' });
  });

  // Root ignores file permissions, so a read-only folder needs a read-only mount.
  const readOnly = mountTmpfs(1024, true);
  it.runIf(readOnly)('refuses a read-only file system (a read-only tmpfs mount)', () => {
    try {
      expect(refusal(join(readOnly!.dir))).toMatchObject({ code: 'SQLITE_DATA_DIR_UNUSABLE', message: expect.stringContaining('read-only') });
    } finally {
      readOnly!.unmount();
    }
  });

  const small = mountTmpfs(8 * 1024);
  it.runIf(small)('answers RUNTIME_UNAVAILABLE while the disk is full, keeps everything committed, and recovers when space returns', async () => {
    const dir = join(small!.dir, 'data');
    mkdirSync(dir);
    const runtime = createSqliteRuntime({ dir, minFreeBytes: 1024 * 1024 });
    try {
      const kept = anExecution();
      await runtime.submit(kept);
      // Fill the rest of the file system.
      const filler = join(small!.dir, 'filler');
      try {
        writeFileSync(filler, Buffer.alloc(16 * 1024 * 1024));
      } catch {
        // ENOSPC: as full as it gets.
      }
      const big = { ...anExecution(), variables: { pad: 'x'.repeat(256 * 1024) } };
      const refused: unknown[] = [];
      for (let i = 0; i < 20 && refused.length === 0; i++) {
        await runtime.submit({ ...big, id: `${big.id}${i}` }).catch((error: unknown) => refused.push(error));
      }
      expect(refused[0]).toMatchObject({ code: 'RUNTIME_UNAVAILABLE', retryable: true });
      expect(await runtime.executions.get(kept.id)).toEqual(kept);
      writeFileSync(filler, '');
      const after = anExecution();
      await runtime.submit(after);
      expect(await runtime.executions.get(after.id)).toEqual(after);
    } finally {
      await runtime.close();
      small!.unmount();
    }
  });
});
