import type { Execution, ExecutionEvent, ExecutionEvents } from '@sluice/engine';
import type { Guard } from './guard.js';

/** The event bus, plus what closing the runtime needs. */
export interface EventBus extends ExecutionEvents {
  /** Drops every subscription. */
  clear(): void;
  /**
   * Delivers the events a save announces. `saved` is a frozen copy of the saved execution, so terminal
   * events carry it as it is, without a copy per listener.
   */
  announce(events: readonly ExecutionEvent[], saved: Execution): void;
}

/** Execution state events in process: one process owns the file, so nobody else listens. Subscriptions are active as soon as `subscribe` resolves. */
export function createEventBus(guard: Guard): EventBus {
  const subscribers = new Map<string, Set<(event: ExecutionEvent) => void>>();
  const deliver = (executionId: string, make: () => ExecutionEvent): void => {
    // Copied first: a listener unsubscribing (or subscribing) while we iterate changes the set.
    for (const listener of [...(subscribers.get(executionId) ?? [])]) {
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
      deliver(event.executionId, () => structuredClone(event));
    },

    announce(events, saved) {
      for (const { executionId, state, terminated } of events) {
        const event: ExecutionEvent = Object.freeze(terminated ? { executionId, state, terminated, execution: saved } : { executionId, state, terminated });
        deliver(executionId, () => event);
      }
    },

    async subscribe(executionId, listener) {
      guard.check();
      const set = subscribers.get(executionId) ?? new Set();
      // Wrapped, so the same function subscribed twice gets two independent subscriptions.
      const entry = (event: ExecutionEvent) => listener(event);
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
