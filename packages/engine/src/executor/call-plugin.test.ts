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
