import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { callWithSignal } from './call-plugin.js';

const never = (signal: AbortSignal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));

describe('a task timeout', () => {
  it('never aborts the plugin before the timeout has passed, though timers count whole milliseconds', async () => {
    // Rendering took a fraction of a millisecond before the call: what is left is not whole.
    const early: number[] = [];
    for (let i = 0; i < 30; i++) {
      const startedAt = performance.now() - 0.9;
      const failure = await callWithSignal({ taskId: 'slow', timeout: 'PT0.02S', startedAt, jobSignal: new AbortController().signal, call: (signal) => never(signal()) }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'TASK_TIMEOUT' });
      const elapsed = performance.now() - startedAt;
      if (elapsed < 20) early.push(elapsed);
    }
    expect(early).toEqual([]);
  });
});

describe('the task signal', () => {
  it('costs a plugin that returns at once no AbortController and no listener on the job signal', async () => {
    const job = new AbortController();
    const Original = globalThis.AbortController;
    let made = 0;
    globalThis.AbortController = class extends Original {
      constructor() {
        super();
        made++;
      }
    };
    let listening = -1;
    try {
      const output = await callWithSignal({
        taskId: 'log', jobSignal: job.signal,
        call: () => {
          listening = getEventListeners(job.signal, 'abort').length;
          return { done: true };
        },
      });
      expect(output).toEqual({ done: true });
    } finally {
      globalThis.AbortController = Original;
    }
    expect(made).toBe(0);
    expect(listening).toBe(0);
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0);
  });

  it('is made when read, aborted with the reason if the job fired first, and its listener goes with the call', async () => {
    const job = new AbortController();
    let read: (() => AbortSignal) | undefined;
    let release: (() => void) | undefined;
    const running = callWithSignal({
      taskId: 'slow', jobSignal: job.signal,
      call: (signal) => {
        read = signal;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(1);
    job.abort(new Error('shutting down'));
    await expect(running).rejects.toThrow('shutting down');
    expect(getEventListeners(job.signal, 'abort')).toHaveLength(0);
    const signal = read!();
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('shutting down');
    release!();
  });

  it('fires for a plugin that read it before the job aborted', async () => {
    const job = new AbortController();
    let seen: unknown;
    const running = callWithSignal({
      taskId: 'slow', jobSignal: job.signal,
      call: (signal) => {
        const own = signal();
        return new Promise((_, reject) => own.addEventListener('abort', () => {
          seen = own.reason;
          reject(own.reason as Error);
        }));
      },
    });
    job.abort(new Error('killed'));
    await expect(running).rejects.toThrow('killed');
    expect((seen as Error).message).toBe('killed');
  });

  it('never starts a plugin whose job signal fired or whose timeout was spent before the call', async () => {
    let calls = 0;
    const call = () => ++calls;
    const job = new AbortController();
    job.abort(new Error('gone'));
    await expect(callWithSignal({ taskId: 't', jobSignal: job.signal, call })).rejects.toThrow('gone');
    const spent = callWithSignal({ taskId: 't', timeout: 'PT0.01S', startedAt: performance.now() - 50, jobSignal: new AbortController().signal, call });
    await expect(spent).rejects.toMatchObject({ code: 'TASK_TIMEOUT' });
    expect(calls).toBe(0);
  });

  it('a synchronous throw rejects the call', async () => {
    const failing = callWithSignal({ taskId: 't', jobSignal: new AbortController().signal, call: () => {
      throw new Error('bad props');
    } });
    await expect(failing).rejects.toThrow('bad props');
  });
});
