import { describe, expect, it } from 'vitest';
import { applyAcquire, applyRelease, slotsOf, type StoredFlowSlots } from './slots.js';

const queue = (limit: number, at = 1) => ({ limit, queue: true, at });
const refuse = (limit: number) => ({ limit, queue: false, at: 1 });

/** Runs acquires one after the other from nothing, returning the value and each answer's outcome. */
function acquireAll(ids: readonly string[], request = queue(1)): { slots: StoredFlowSlots | undefined; outcomes: string[] } {
  let slots: StoredFlowSlots | undefined;
  const outcomes: string[] = [];
  for (const id of ids) {
    const step = applyAcquire(slots, id, request);
    slots = step.slots;
    outcomes.push(step.answer.outcome);
  }
  return { slots, outcomes };
}

describe('applyAcquire', () => {
  it('gives up to limit slots, then queues in arrival order, counting the slots held by others', () => {
    const { slots, outcomes } = acquireAll(['a', 'b', 'c', 'd'], queue(2));
    expect(outcomes).toEqual(['running', 'running', 'queued', 'queued']);
    expect(slotsOf(slots)).toEqual({ running: ['a', 'b'], queued: ['c', 'd'] });
    expect(applyAcquire(slots, 'e', queue(2)).answer).toEqual({ outcome: 'queued', running: 2, promoted: [] });
  });

  it('refuses one more without queue, and stores nothing for it', () => {
    const { slots } = acquireAll(['a']);
    const step = applyAcquire(slots, 'b', refuse(1));
    expect(step.answer).toEqual({ outcome: 'refused', running: 1, promoted: [] });
    expect(step.changed).toBe(false);
  });

  it('answers a second ask as the first and changes nothing: a slot held, a place in line', () => {
    const { slots } = acquireAll(['a', 'b']);
    const again = applyAcquire(slots, 'a', queue(1));
    expect(again.answer).toEqual({ outcome: 'running', running: 0, promoted: [] });
    expect(again.changed).toBe(false);
    const line = applyAcquire(slots, 'b', queue(1));
    expect(line.answer.outcome).toBe('queued');
    expect(line.changed).toBe(false);
  });

  it('serves the line first: a newcomer waits behind an older entry even when the newer revision allows more', () => {
    const { slots } = acquireAll(['a', 'b']);
    // b waits under limit 1; c comes under a revision with limit 3: it queues behind b.
    expect(applyAcquire(slots, 'c', queue(3)).answer.outcome).toBe('queued');
    // Without queue (CANCEL, FAIL) it is judged by the slots held alone.
    expect(applyAcquire(slots, 'c', refuse(3)).answer.outcome).toBe('running');
  });

  it('confirms a promotion when the promoted execution asks, and lists it to every other caller until then', () => {
    let { slots } = acquireAll(['a', 'b']);
    const released = applyRelease(slots, 'a');
    expect(released.answer).toEqual({ released: true, promoted: [{ executionId: 'b', queuedAt: 1 }] });
    slots = released.slots;
    // Another caller's answer lists it too: a caller that crashed before queueing b is repaired.
    expect(applyAcquire(slots, 'x', queue(1)).answer.promoted).toEqual([{ executionId: 'b', queuedAt: 1 }]);
    const confirmed = applyAcquire(slots, 'b', queue(1));
    expect(confirmed.answer).toEqual({ outcome: 'running', running: 0, promoted: [] });
    expect(applyAcquire(confirmed.slots, 'x', queue(1)).answer.promoted).toEqual([]);
  });
});

describe('applyRelease', () => {
  it('promotes the oldest waiting execution into the freed slot, once however often it is called', () => {
    const { slots } = acquireAll(['a', 'b', 'c']);
    const first = applyRelease(slots, 'a');
    expect(slotsOf(first.slots)).toEqual({ running: ['b'], queued: ['c'] });
    const second = applyRelease(first.slots, 'a');
    expect(second.answer).toEqual({ released: false, promoted: [{ executionId: 'b', queuedAt: 1 }] });
    expect(second.changed).toBe(false);
  });

  it('takes a waiting execution out of the line (a kill of a QUEUED one) without promoting past the limit', () => {
    const { slots } = acquireAll(['a', 'b', 'c']);
    const step = applyRelease(slots, 'b');
    expect(step.answer).toEqual({ released: true, promoted: [] });
    expect(slotsOf(step.slots)).toEqual({ running: ['a'], queued: ['c'] });
  });

  it('promotes each entry under its own limit, and never one past an older one', () => {
    let slots: StoredFlowSlots | undefined;
    for (const [id, limit] of [['a', 2], ['b', 2], ['c', 1], ['d', 3]] as const) slots = applyAcquire(slots, id, queue(limit)).slots;
    expect(slotsOf(slots)).toEqual({ running: ['a', 'b'], queued: ['c', 'd'] });
    // a ends: 1 held, c (limit 1) still cannot run, and d waits behind it.
    slots = applyRelease(slots, 'a').slots;
    expect(slotsOf(slots)).toEqual({ running: ['b'], queued: ['c', 'd'] });
    // b ends: c runs, then d (limit 3) too.
    slots = applyRelease(slots, 'b').slots;
    expect(slotsOf(slots)).toEqual({ running: ['c', 'd'], queued: [] });
  });

  it('releases nothing from an empty value', () => {
    expect(applyRelease(undefined, 'a').answer).toEqual({ released: false, promoted: [] });
  });
});
