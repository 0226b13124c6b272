import type { ExecutionEvent, ExecutionEvents } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import type { SharedSubscriber } from './pubsub.js';
import { eventMessage, messageExecutionId } from './event-message.js';

/**
 * Execution events over Redis pub/sub: every event on one channel, dispatched in process to the
 * listeners of its execution. One channel keeps the subscriber connection at one SUBSCRIBE for
 * the life of the process however many executions are followed; the price is that every
 * subscribed process receives every event, which is cheap next to running the executions.
 * Pub/sub is fire-and-forget: a process not subscribed when an event is published never sees it,
 * which is why `subscribe` resolves only once the channel is active.
 */
export class RedisExecutionEvents implements ExecutionEvents {
  private readonly listeners = new Map<string, Set<(event: ExecutionEvent) => void>>();

  constructor(
    private readonly store: RedisStore,
    private readonly keys: Keys,
    private readonly subscriber: SharedSubscriber,
    private readonly onError: (error: unknown, context: string) => void,
  ) {}

  async publish(event: ExecutionEvent): Promise<void> {
    const message = eventMessage(event);
    await this.store.run('publish execution event', (client) => client.publish(this.keys.eventChannel, message));
  }

  async subscribe(executionId: string, listener: (event: ExecutionEvent) => void): Promise<() => Promise<void>> {
    // Each subscription gets its own wrapper, so subscribing one function twice needs two unsubscribes.
    const own = (event: ExecutionEvent): void => listener(event);
    const set = this.listeners.get(executionId) ?? new Set();
    set.add(own);
    this.listeners.set(executionId, set);
    const remove = (): void => {
      set.delete(own);
      if (set.size === 0 && this.listeners.get(executionId) === set) this.listeners.delete(executionId);
    };
    try {
      await this.subscriber.listen(this.keys.eventChannel, (message) => this.dispatch(message));
    } catch (error) {
      remove();
      throw error;
    }
    return async () => remove();
  }

  private dispatch(message: string): void {
    // Most messages are about executions nobody here follows: those are not parsed at all.
    const id = messageExecutionId(message);
    if (id !== undefined && !this.listeners.has(id)) return;
    const event = JSON.parse(message) as ExecutionEvent;
    const set = this.listeners.get(event.executionId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error, `execution event listener of ${event.executionId}`);
      }
    }
  }
}
