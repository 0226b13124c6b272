import type { Execution, ExecutionEvent, ExecutionEvents } from '@sluice/engine';
import type { Guard } from './guard.js';

/** One subscription: its listener, and whether it reads KILLING events alone. */
interface Subscriber {
  readonly listener: (event: ExecutionEvent) => void;
  readonly killsOnly: boolean;
}

/** The event bus, plus what closing the runtime needs. */
export interface InProcessEventBus extends ExecutionEvents {
  /** Drops every subscription. */
  clear(): void;
  /**
   * Delivers the events a save announces. `saved` is a frozen copy of the saved execution (the
   * store's snapshot), so terminal events carry it as it is, without a copy per listener; or a
   * function that makes it, called (once) only when a listener takes a terminal event: most
   * executions end with no one following them but the kill listener of the worker running it.
   */
  announce(events: readonly ExecutionEvent[], saved: Execution | (() => Execution)): void;
}

/**
 * Execution state events in process, for the runtimes whose one process is the only listener
 * (memory, SQLite). Subscriptions are active as soon as `subscribe` resolves.
 */
export function createEventBus(guard: Guard): InProcessEventBus {
  const subscribers = new Map<string, Set<Subscriber>>();
  const deliver = (executionId: string, state: string, make: () => ExecutionEvent): void => {
    const found = subscribers.get(executionId);
    if (found === undefined) return;
    // Copied first: a listener unsubscribing (or subscribing) while we iterate changes the set.
    for (const { listener, killsOnly } of [...found]) {
      // Honoured here (the port allows either): the event, and the snapshot a terminal one
      // carries, are then made only for a listener that reads them.
      if (killsOnly && state !== 'KILLING') continue;
      try {
        listener(make());
      } catch {
        // One failing follower (a closed HTTP response) must not hide the event from others.
      }
    }
  };
  return {
    async publish(event) {
      guard.check();
      // A copy per listener, as if it had come through Redis: no listener shares objects with the publisher.
      deliver(event.executionId, event.state, () => structuredClone(event));
    },

    announce(events, saved) {
      let snapshot: Execution | undefined;
      const execution = (): Execution => (snapshot ??= typeof saved === 'function' ? saved() : saved);
      for (const { executionId, state, terminated } of events) {
        let event: ExecutionEvent | undefined;
        deliver(executionId, state, () => (event ??= Object.freeze(terminated ? { executionId, state, terminated, execution: execution() } : { executionId, state, terminated })));
      }
    },

    async subscribe(executionId, listener, options) {
      guard.check();
      const set = subscribers.get(executionId) ?? new Set();
      // A new entry each time, so the same function subscribed twice gets two independent subscriptions.
      const entry: Subscriber = { listener, killsOnly: options?.killsOnly === true };
      set.add(entry);
      subscribers.set(executionId, set);
      return async () => {
        set.delete(entry);
        if (set.size === 0 && subscribers.get(executionId) === set) subscribers.delete(executionId);
      };
    },

    clear() {
      subscribers.clear();
    },
  };
}
