import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../model/execution.js';
import type { ExecutionEvents } from '../ports/ports.js';
import { listenForKill } from './kill-listener.js';

/** Events of one process: what the kill route would publish, delivered to the subscribers. */
function localEvents(): ExecutionEvents & { readonly subscribers: number } {
  const listeners = new Set<(event: ExecutionEvent) => void>();
  return {
    get subscribers() {
      return listeners.size;
    },
    publish(event) {
      for (const listener of listeners) listener(event);
      return Promise.resolve();
    },
    subscribe(_executionId, listener) {
      listeners.add(listener);
      return Promise.resolve(() => {
        listeners.delete(listener);
        return Promise.resolve();
      });
    },
  };
}

const killing = (executionId: string): ExecutionEvent => ({ executionId, state: 'KILLING', terminated: false });

describe('listenForKill', () => {
  it('fires the run\'s signal when the run aborts it, and gives the run\'s next try a fresh one', async () => {
    const job = new AbortController();
    const kill = await listenForKill(localEvents(), 'e1', job.signal);
    const first = kill.signal;
    const failure = new Error('save failed');
    kill.abort(failure);
    expect(first.aborted).toBe(true);
    expect(first.reason).toBe(failure);
    expect(kill.killed).toBe(false);
    const next = kill.signal;
    expect(next).not.toBe(first);
    expect(next.aborted).toBe(false);
    // The fresh signal follows the job's as the first did.
    job.abort(new Error('shutting down'));
    expect(next.aborted).toBe(true);
    expect((next.reason as Error).message).toBe('shutting down');
    await kill.close();
  });

  it('keeps a signal a kill or the job fired, whatever the run aborted before', async () => {
    const events = localEvents();
    const job = new AbortController();
    const kill = await listenForKill(events, 'e2', job.signal);
    kill.abort(new Error('save failed'));
    await events.publish(killing('e2'));
    expect(kill.killed).toBe(true);
    expect(kill.signal.aborted).toBe(true);

    const other = new AbortController();
    const second = await listenForKill(localEvents(), 'e3', other.signal);
    other.abort(new Error('shutting down'));
    second.abort(new Error('save failed'));
    expect(second.signal.aborted).toBe(true);
    expect((second.signal.reason as Error).message).toBe('shutting down');
    await Promise.all([kill.close(), second.close()]);
  });

  it('fires on a kill with its reason, and lets go of the job\'s signal and the subscription on close', async () => {
    const events = localEvents();
    const job = new AbortController();
    const kill = await listenForKill(events, 'e4', job.signal);
    await events.publish({ executionId: 'e4', state: 'RUNNING', terminated: false });
    expect(kill.signal.aborted).toBe(false);
    await events.publish(killing('e4'));
    expect(kill.killed).toBe(true);
    expect((kill.signal.reason as Error).message).toBe('execution e4 was killed');
    await kill.close();
    expect(events.subscribers).toBe(0);
  });
});
