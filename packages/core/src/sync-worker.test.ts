import { describe, expect, it } from 'vitest';
import { createSyncWorker } from './sync-worker.js';

describe('createSyncWorker', () => {
  it('starts no thread until the first call, then answers each call synchronously from one worker', () => {
    const worker = createSyncWorker<number, { doubled: number; thread: number }>({
      setup: `() => { const { threadId } = require('node:worker_threads'); return (n) => ({ doubled: n * 2, thread: threadId }); }`,
      startMs: 10_000,
    });
    const first = worker.call(21, 5_000);
    const second = worker.call(4, 5_000);
    expect(first).toMatchObject({ ok: true, reply: { doubled: 42 } });
    expect(second).toMatchObject({ ok: true, reply: { doubled: 8 } });
    expect(first.ok && second.ok && first.reply.thread === second.reply.thread && first.reply.thread > 0).toBe(true);
  });

  it('gives setup its data, and waits for a setup that resolves later', () => {
    const worker = createSyncWorker<string, string>({
      setup: `({ prefix, delayMs }) => new Promise((resolve) => setTimeout(() => resolve((s) => prefix + s), delayMs))`,
      data: { prefix: 'pg:', delayMs: 200 },
      startMs: 10_000,
    });
    expect(worker.call('ok', 5_000)).toEqual({ ok: true, reply: 'pg:ok' });
  });

  it('stops a call that runs past its time, and the next call gets a fresh worker', () => {
    const worker = createSyncWorker<string, number>({
      setup: `() => { const { threadId } = require('node:worker_threads'); return (what) => { if (what === 'spin') for (;;); return threadId; }; }`,
      startMs: 10_000,
    });
    const before = worker.call('thread', 5_000);
    expect(worker.call('spin', 200)).toEqual({ ok: false, reason: 'timeout' });
    const after = worker.call('thread', 5_000);
    expect(before.ok && after.ok && after.reply !== before.reply).toBe(true);
  });

  it('answers start when setup fails or outlasts startMs, and failed with the message when the answer throws', () => {
    expect(createSyncWorker({ setup: `() => { throw new Error('no parser'); }`, startMs: 10_000 }).call(1, 1_000)).toEqual({ ok: false, reason: 'start' });
    expect(createSyncWorker({ setup: `() => new Promise(() => {})`, startMs: 100 }).call(1, 1_000)).toEqual({ ok: false, reason: 'start' });
    const throwing = createSyncWorker<number, number>({ setup: `() => (n) => { if (n < 0) throw new Error('negative: ' + n); return n; }`, startMs: 10_000 });
    expect(throwing.call(-1, 5_000)).toEqual({ ok: false, reason: 'failed', message: 'negative: -1' });
    // A throw is an answer: the same worker goes on answering.
    expect(throwing.call(3, 5_000)).toEqual({ ok: true, reply: 3 });
  });
});
