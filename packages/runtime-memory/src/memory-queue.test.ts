import { describe, expect, it, vi } from 'vitest';
import { createMemoryRuntime } from './index.js';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('memory queue', () => {
  it('runs each queued execution once, even when queued twice', async () => {
    const runtime = createMemoryRuntime();
    const ran: string[] = [];
    await runtime.queue.enqueue('a');
    await runtime.queue.enqueue('a');
    const consumer = runtime.queue.consume(async (id) => void ran.push(id), { concurrency: 2 });
    await runtime.queue.enqueue('b');
    await vi.waitFor(() => expect(ran).toEqual(['a', 'b']));
    await runtime.queue.enqueue('a');
    await consumer.close(100);
    expect(ran).toEqual(['a', 'b']);
    expect(await runtime.queue.counts()).toEqual({ waiting: 0, active: 0, completed: 2, failed: 0 });
  });

  it('honours the concurrency of a consumer', async () => {
    const runtime = createMemoryRuntime();
    let running = 0;
    let peak = 0;
    const gate = deferred();
    const consumer = runtime.queue.consume(async () => {
      running++;
      peak = Math.max(peak, running);
      await gate.promise;
      running--;
    }, { concurrency: 2 });
    for (const id of ['a', 'b', 'c', 'd']) await runtime.queue.enqueue(id);
    await vi.waitFor(async () => expect(await runtime.queue.counts()).toMatchObject({ active: 2, waiting: 2 }));
    gate.resolve();
    await vi.waitFor(async () => expect((await runtime.queue.counts()).completed).toBe(4));
    expect(peak).toBe(2);
    await consumer.close();
  });

  it('caps every consumer together with the runtime concurrency', async () => {
    const runtime = createMemoryRuntime({ concurrency: 1 });
    const gate = deferred();
    const handler = () => gate.promise;
    const c1 = runtime.queue.consume(handler, { concurrency: 5 });
    const c2 = runtime.queue.consume(handler, { concurrency: 5 });
    for (const id of ['a', 'b', 'c']) await runtime.queue.enqueue(id);
    await vi.waitFor(async () => expect(await runtime.queue.counts()).toMatchObject({ active: 1, waiting: 2 }));
    gate.resolve();
    await vi.waitFor(async () => expect((await runtime.queue.counts()).completed).toBe(3));
    await Promise.all([c1.close(), c2.close()]);
  });

  it('keeps consuming after a handler throws, synchronously or not', async () => {
    const onHandlerError = vi.fn();
    const runtime = createMemoryRuntime({ onHandlerError });
    const ran: string[] = [];
    const consumer = runtime.queue.consume((id) => {
      ran.push(id);
      if (id === 'sync') throw new Error('sync boom');
      return id === 'async' ? Promise.reject(new Error('async boom')) : Promise.resolve();
    }, { concurrency: 1 });
    for (const id of ['sync', 'async', 'fine']) await runtime.queue.enqueue(id);
    await vi.waitFor(() => expect(ran).toEqual(['sync', 'async', 'fine']));
    await vi.waitFor(async () => expect(await runtime.queue.counts()).toMatchObject({ completed: 1, failed: 2 }));
    expect(onHandlerError.mock.calls.map(([id]) => id)).toEqual(['sync', 'async']);
    await consumer.close();
  });

  it('close waits for running handlers within the grace period and takes no new jobs', async () => {
    const runtime = createMemoryRuntime();
    const gate = deferred();
    const ran: string[] = [];
    const consumer = runtime.queue.consume(async (id) => {
      ran.push(id);
      await gate.promise;
    }, { concurrency: 1 });
    await runtime.queue.enqueue('a');
    await runtime.queue.enqueue('b');
    await vi.waitFor(() => expect(ran).toEqual(['a']));
    const closed = consumer.close(5_000);
    setTimeout(gate.resolve, 20);
    await closed;
    expect(ran).toEqual(['a']);
    expect(await runtime.queue.counts()).toMatchObject({ completed: 1, waiting: 1 });
  });

  it('close past its grace aborts the handler and delivers the job again to another consumer', async () => {
    const runtime = createMemoryRuntime();
    const signals: AbortSignal[] = [];
    const first = runtime.queue.consume((_id, signal) => {
      signals.push(signal);
      return new Promise<void>(() => undefined); // hangs, ignoring its signal
    }, { concurrency: 1 });
    await runtime.queue.enqueue('stuck');
    await vi.waitFor(() => expect(signals).toHaveLength(1));
    const started = Date.now();
    await first.close(50);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toMatchObject({ code: 'CORE_ABORTED' });
    const again: string[] = [];
    const second = runtime.queue.consume(async (id) => void again.push(id), { concurrency: 1 });
    await vi.waitFor(() => expect(again).toEqual(['stuck']));
    await second.close();
  });

  it('runtime close is bounded by closeGraceMs', async () => {
    const runtime = createMemoryRuntime({ closeGraceMs: 30 });
    let signal: AbortSignal | undefined;
    runtime.queue.consume((_id, s) => {
      signal = s;
      return new Promise<void>(() => undefined);
    }, { concurrency: 1 });
    await runtime.queue.enqueue('x');
    await vi.waitFor(() => expect(signal).toBeDefined());
    await runtime.close();
    expect(signal?.aborted).toBe(true);
  });
});
