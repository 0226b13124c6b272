import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { createExecution } from '../execution/index.js';
import type { FileKey, FileStorage } from '../ports/ports.js';
import { createLocalStorage } from './local-storage.js';
import { createMemoryStorage } from './memory-storage.js';
import { createTaskStorage, readText } from './task-storage.js';
import { sweepOrphanFiles } from './sweep-orphans.js';
import { pathOfUri } from './storage-uri.js';

let root: string;
let outside: string;
beforeEach(async () => {
  const parent = await mkdtemp(join(tmpdir(), 'sluice-storage-'));
  root = join(parent, 'storage');
  outside = join(parent, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'not yours');
});
afterEach(async () => {
  await rm(join(root, '..'), { recursive: true, force: true });
});

const key = (...path: string[]): FileKey => ({ tenantId: 'main', executionId: 'exec1', path });
const bytesOf = async (stream: AsyncIterable<Uint8Array> | undefined): Promise<string> => {
  if (stream === undefined) return '<none>';
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};
async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}
const errorOf = async (work: () => Promise<unknown>): Promise<{ code?: string; message: string }> => {
  try {
    await work();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
};
const ids = { tenantId: 'main', namespace: 'company.team', flowId: 'My_Flow', executionId: 'exec1' };

describe.each([
  ['a real folder', () => createLocalStorage(root)],
  ['memory', () => createMemoryStorage()],
] as const)('internal storage in %s', (_name, make) => {
  let storage: FileStorage;
  beforeEach(() => {
    storage = make();
  });

  it('writes a stream, reads it back, states its size, and replaces a file written again', async () => {
    expect(await storage.put(key('tasks', 't', 'r', 'a.csv'), chunks('a,b\n', '1,2\n'), { maxBytes: 100 })).toBe(8);
    expect(await bytesOf(await storage.get(key('tasks', 't', 'r', 'a.csv')))).toBe('a,b\n1,2\n');
    expect(await storage.stat(key('tasks', 't', 'r', 'a.csv'))).toEqual({ size: 8, modifiedAt: expect.any(Number) });
    await storage.put(key('tasks', 't', 'r', 'a.csv'), chunks('x'), { maxBytes: 100 });
    expect(await bytesOf(await storage.get(key('tasks', 't', 'r', 'a.csv')))).toBe('x');
    expect(await storage.get(key('tasks', 't', 'r', 'missing'))).toBeUndefined();
    expect(await storage.stat(key('tasks', 't', 'r'))).toBeUndefined();
  });

  it('refuses hostile names before touching anything, whatever the segment', async () => {
    const hostile = ['..', '.', '', '../outside', 'a/b', 'a\\b', '..\\..\\x', 'nul\u0000byte', 'line\nbreak', 'x'.repeat(300)];
    for (const segment of hostile) {
      for (const bad of [key(segment), key('tasks', segment, 'f'), { tenantId: segment, executionId: 'e', path: ['f'] }, { tenantId: 'main', executionId: segment, path: ['f'] }]) {
        expect((await errorOf(() => storage.put(bad, chunks('x'), { maxBytes: 10 }))).code).toBe('STORAGE_INVALID_NAME');
        expect((await errorOf(() => storage.get(bad))).code).toBe('STORAGE_INVALID_NAME');
        expect((await errorOf(() => storage.stat(bad))).code).toBe('STORAGE_INVALID_NAME');
      }
      expect((await errorOf(() => storage.deleteExecution({ tenantId: 'main', executionId: segment }))).code).toBe('STORAGE_INVALID_NAME');
    }
    expect((await errorOf(() => storage.put(key(), chunks('x'), { maxBytes: 10 }))).code).toBe('STORAGE_INVALID_NAME');
    // Nothing was written anywhere, and the file beside the folder is untouched.
    expect([...(await readdir(root))]).toEqual([]);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('not yours');
  });

  it('stops a write past its limit and keeps nothing of it', async () => {
    const error = await errorOf(() => storage.put(key('big'), chunks('12345', '67890', 'x'), { maxBytes: 10 }));
    expect(error.code).toBe('STORAGE_FILE_TOO_LARGE');
    expect(await storage.get(key('big'))).toBeUndefined();
  });

  it("passes the content's own failure up as it is, keeping nothing", async () => {
    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from('start');
      throw new Error('the download broke');
    }
    expect((await errorOf(() => storage.put(key('cut'), broken(), { maxBytes: 100 }))).message).toBe('the download broke');
    expect(await storage.get(key('cut'))).toBeUndefined();
  });

  it("deletes an execution's files in one step and lists the executions holding files", async () => {
    await storage.put(key('tasks', 't', 'r', 'a'), chunks('a'), { maxBytes: 10 });
    await storage.put({ tenantId: 'main', executionId: 'exec2', path: ['b'] }, chunks('b'), { maxBytes: 10 });
    const listed = [];
    for await (const owner of storage.executions()) listed.push(owner);
    expect(listed.sort((a, b) => a.executionId.localeCompare(b.executionId))).toEqual([
      { tenantId: 'main', executionId: 'exec1' }, { tenantId: 'main', executionId: 'exec2' },
    ]);
    expect(await storage.deleteExecution({ tenantId: 'main', executionId: 'exec1' })).toBe(true);
    expect(await storage.deleteExecution({ tenantId: 'main', executionId: 'exec1' })).toBe(false);
    expect(await storage.get(key('tasks', 't', 'r', 'a'))).toBeUndefined();
    expect(await bytesOf(await storage.get({ tenantId: 'main', executionId: 'exec2', path: ['b'] }))).toBe('b');
  });

  it("sweeps the files of executions the store no longer has, and keeps the others'", async () => {
    const runtime = createMemoryRuntime();
    try {
      const flow = await runtime.flows.save({
        tenantId: 'main', id: 'flow', namespace: 'company.team', labels: [], inputs: [], variables: {}, outputs: [],
        tasks: [], triggers: [], disabled: false, extra: {}, source: 'id: flow',
      });
      const kept = createExecution({ flow });
      await runtime.executions.create(kept);
      await storage.put({ tenantId: 'main', executionId: kept.id, path: ['a'] }, chunks('a'), { maxBytes: 10 });
      await storage.put({ tenantId: 'main', executionId: 'gone', path: ['b'] }, chunks('b'), { maxBytes: 10 });
      expect(await sweepOrphanFiles(storage, runtime.executions)).toBe(1);
      expect(await storage.stat({ tenantId: 'main', executionId: kept.id, path: ['a'] })).toBeDefined();
      expect(await storage.stat({ tenantId: 'main', executionId: 'gone', path: ['b'] })).toBeUndefined();
    } finally {
      await runtime.close();
    }
  });

  it("gives a task its own folder, Kestra's URIs, and reads only its execution's files", async () => {
    const task = createTaskStorage(storage, { ...ids, taskId: 'fetch_it', taskRunId: 'run1' });
    const written = await task.put('orders 1.csv', 'a,b');
    expect(written).toEqual({ uri: 'kestra:///company/team/my-flow/executions/exec1/tasks/fetch-it/run1/orders%201.csv', size: 3 });
    expect(await bytesOf(await task.get(written.uri))).toBe('a,b');
    expect(await task.stat(written.uri)).toEqual(written);
    expect(await readText(storage, ids, written.uri, 10)).toBe('a,b');
    expect((await errorOf(() => readText(storage, ids, written.uri, 2))).code).toBe('STORAGE_FILE_TOO_LARGE');
    for (const name of ['../x', 'a/b', '..', '']) expect((await errorOf(() => task.put(name, 'x'))).code).toBe('STORAGE_INVALID_NAME');
    const foreign = [
      'kestra:///company/team/my-flow/executions/other/tasks/fetch-it/run1/orders%201.csv',
      'kestra:///company/other/my-flow/executions/exec1/tasks/fetch-it/run1/orders%201.csv',
    ];
    for (const uri of foreign) expect((await errorOf(() => task.get(uri))).code).toBe('STORAGE_FOREIGN_URI');
    const invalid = [
      'file:///etc/passwd', 'orders.csv', 'kestra:///company/team/my-flow/executions/exec1/',
      'kestra:///company/team/my-flow/executions/exec1/tasks/%2e%2e/%2e%2e/x', 'kestra:///company/team/my-flow/executions/exec1/a%2Fb',
      'kestra:///company/team/my-flow/executions/exec1/a%00b', 'kestra:///company/team/my-flow/executions/exec1/a%zz', 'kestra:///company/team/my-flow/executions/exec1/a?x=1',
    ];
    for (const uri of invalid) expect((await errorOf(() => task.get(uri))).code).toBe('STORAGE_INVALID_URI');
    expect((await errorOf(() => task.get('kestra:///company/team/my-flow/executions/exec1/tasks/fetch-it/run1/nope'))).code).toBe('STORAGE_FILE_NOT_FOUND');
    expect(pathOfUri(ids, written.uri)).toEqual(['tasks', 'fetch-it', 'run1', 'orders 1.csv']);
  });
});

describe('internal storage in a folder', () => {
  it('lays files out by tenant and execution, leaves no temporary file, and streams a file larger than memory would hold in one chunk', async () => {
    const storage = createLocalStorage(root);
    const chunk = Buffer.alloc(64 * 1024, 97);
    let produced = 0;
    async function* large(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 160; i++) {
        produced += chunk.byteLength;
        yield chunk;
      }
    }
    expect(await storage.put(key('tasks', 't', 'r', 'big.bin'), large(), { maxBytes: 20 * 1024 * 1024 })).toBe(160 * 64 * 1024);
    expect(produced).toBe(160 * 64 * 1024);
    expect(await readdir(join(root, 'main', 'executions', 'exec1', 'tasks', 't', 'r'))).toEqual(['big.bin']);
    let read = 0;
    let pieces = 0;
    for await (const piece of (await storage.get(key('tasks', 't', 'r', 'big.bin'))) ?? []) {
      read += piece.byteLength;
      pieces++;
    }
    expect(read).toBe(160 * 64 * 1024);
    // Read as a stream of chunks, never as one buffer.
    expect(pieces).toBeGreaterThan(1);
  });

  it('refuses a key that resolves outside the folder even through a tenant or execution segment', async () => {
    const storage = createLocalStorage(root);
    expect((await errorOf(() => storage.put({ tenantId: '..', executionId: 'outside', path: ['secret.txt'] }, chunks('x'), { maxBytes: 10 }))).code).toBe('STORAGE_INVALID_NAME');
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('not yours');
  });
});
