import { describe, expect, it } from 'vitest';
import type { TriggerWindowEntry } from '@sluice/core';
import { applyWindowEntry, WINDOW_SEEN_LIMIT, type StoredTriggerWindow } from './trigger-window.js';

const day = { start: 0, end: 1000 };
const entry = (met: string[], at: number, overrides: Partial<TriggerWindowEntry> = {}): TriggerWindowEntry => ({
  id: 'both', conditions: ['condition_1', 'condition_2'], met, at, bounds: day, resetOnSuccess: true, ...overrides,
});

/** Records each [execution, entry] in turn and returns whether each fired, and the last window. */
function run(steps: [string, TriggerWindowEntry][], from?: StoredTriggerWindow): { fired: boolean[]; window: StoredTriggerWindow | undefined } {
  let window = from;
  const fired: boolean[] = [];
  for (const [id, e] of steps) {
    const outcome = applyWindowEntry(window, id, e);
    fired.push(outcome.fired);
    window = outcome.window;
  }
  return { fired, window };
}

describe('applyWindowEntry', () => {
  it('fires once every condition is met within the window, by any executions, then starts over', () => {
    const { fired, window } = run([['a1', entry(['condition_1'], 10)], ['a2', entry(['condition_1'], 20)], ['b1', entry(['condition_2'], 30)], ['b2', entry(['condition_2'], 40)]]);
    expect(fired).toEqual([false, false, true, false]);
    expect(window?.met).toEqual({ condition_2: { by: 'b2', at: 40 } });
  });

  it('without resetOnSuccess, fires for every later execution that meets one, until the window ends', () => {
    const keep = { resetOnSuccess: false };
    const { fired } = run([
      ['a', entry(['condition_1'], 10, keep)], ['b', entry(['condition_2'], 20, keep)], ['c', entry(['condition_1'], 30, keep)],
      ['d', entry(['condition_1'], 1010, { ...keep, bounds: { start: 1000, end: 2000 } })],
    ]);
    expect(fired).toEqual([false, true, true, false]);
  });

  it('starts a new window when an execution falls after the stored one, and does not count one of an older window', () => {
    const next = { start: 1000, end: 2000 };
    const { fired, window } = run([
      ['a', entry(['condition_1'], 10)], ['b', entry(['condition_2'], 1010, { bounds: next })],
      ['late', entry(['condition_1'], 900)], ['c', entry(['condition_1'], 1020, { bounds: next })],
    ]);
    expect(fired).toEqual([false, false, false, true]);
    expect(window).toMatchObject({ start: 1000, end: 2000, met: {} });
  });

  it('answers a repeated record as the first time and changes nothing', () => {
    const first = run([['a', entry(['condition_1'], 10)], ['b', entry(['condition_2'], 20)]]);
    const again = applyWindowEntry(first.window, 'b', entry(['condition_2'], 20));
    expect(again).toEqual({ window: first.window, fired: true, changed: false });
    expect(applyWindowEntry(first.window, 'a', entry(['condition_1'], 10))).toMatchObject({ fired: false, changed: false });
  });

  it('slides: conditions must be met within slidingMs of one another', () => {
    const sliding = { bounds: { slidingMs: 100 } };
    const { fired } = run([
      ['a1', entry(['condition_1'], 0, sliding)], ['b1', entry(['condition_2'], 150, sliding)], // a1 is too old by then
      ['a2', entry(['condition_1'], 40, sliding)], // a straggler: 110 before b1, not counted
      ['a3', entry(['condition_1'], 200, sliding)],
    ]);
    expect(fired).toEqual([false, false, false, true]);
  });

  it('forgets met conditions of another window id or no longer listed, and one execution may meet several', () => {
    const stale: StoredTriggerWindow = { id: 'old', start: 0, end: 1000, met: { condition_1: { by: 'x', at: 5 } }, seen: [] };
    expect(applyWindowEntry(stale, 'b', entry(['condition_2'], 20)).fired).toBe(false);
    const gone: StoredTriggerWindow = { id: 'both', start: 0, end: 1000, met: { condition_9: { by: 'x', at: 5 }, condition_1: { by: 'y', at: 6 } }, seen: [] };
    expect(applyWindowEntry(gone, 'b', entry(['condition_2'], 20)).fired).toBe(true);
    expect(applyWindowEntry(undefined, 'ab', entry(['condition_1', 'condition_2'], 20)).fired).toBe(true);
  });

  it('remembers a bounded number of executions', () => {
    const steps: [string, TriggerWindowEntry][] = Array.from({ length: WINDOW_SEEN_LIMIT + 5 }, (_, i) => [`e${i}`, entry(['condition_1'], 10)]);
    expect(run(steps).window?.seen).toHaveLength(WINDOW_SEEN_LIMIT);
  });
});
