import { parseJson } from '@sluice/core';
import type { ExecutionEvent, ExecutionEvents, SubscribeOptions } from '@sluice/engine';
import type { RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import type { SharedSubscriber } from './pubsub.js';
import { eventMessage, messageExecutionId } from './event-message.js';

/**
 * Execution events over Redis pub/sub: every event on one channel, dispatched in process to the
 * listeners of its execution. One channel keeps the subscriber connection at one SUBSCRIBE for
 * the life of the process however many executions are followed; the price is that every
 * subscribed process receives every event (a terminal one carrying its execution). Workers
 * listen for kills alone (`killsOnly`), so they subscribe to the kill channel, which carries the
 * KILLING events and nothing else: a worker no longer receives every execution's events, only
 * the processes that follow executions for people (webhooks that wait, the UI's live pages) do.
 * Pub/sub is fire-and-forget: a process not subscribed when an event is published never sees it,
 * which is why `subscribe` resolves only once the channel is active.
 */
export class RedisExecutionEvents implements ExecutionEvents {
  private readonly listeners = new Map<string, Set<(event: ExecutionEvent) => void>>();
  private readonly killListeners = new Map<string, Set<(event: ExecutionEvent) => void>>();

  constructor(
    private readonly store: RedisStore,
    private readonly keys: Keys,
    private readonly subscriber: SharedSubscriber,
    private readonly onError: (error: unknown, context: string) => void,
  ) {}

  async publish(event: ExecutionEvent): Promise<void> {
    const message = eventMessage(event);
    await this.store.run('publish execution event', async (client) => {
      await Promise.all([
        client.publish(this.keys.eventChannel, message),
        ...(event.state === 'KILLING' ? [client.publish(this.keys.killChannel, message)] : []),
      ]);
    });
  }

  async subscribe(executionId: string, listener: (event: ExecutionEvent) => void, options: SubscribeOptions = {}): Promise<() => Promise<void>> {
    const listeners = options.killsOnly === true ? this.killListeners : this.listeners;
    const channel = options.killsOnly === true ? this.keys.killChannel : this.keys.eventChannel;
    // Each subscription gets its own wrapper, so subscribing one function twice needs two unsubscribes.
    const own = (event: ExecutionEvent): void => listener(event);
    const set = listeners.get(executionId) ?? new Set();
    set.add(own);
    listeners.set(executionId, set);
    const remove = (): void => {
      set.delete(own);
      if (set.size === 0 && listeners.get(executionId) === set) listeners.delete(executionId);
    };
    try {
      await this.subscriber.listen(channel, (message) => this.dispatch(listeners, message));
    } catch (error) {
      remove();
      throw error;
    }
    return async () => remove();
  }

  private dispatch(listeners: Map<string, Set<(event: ExecutionEvent) => void>>, message: string): void {
    // Most messages are about executions nobody here follows: those are not parsed at all.
    const id = messageExecutionId(message);
    if (id !== undefined && !listeners.has(id)) return;
    // parseJson: a terminal event carries the execution, whose integers beyond 2^53 stay exact.
    const event = parseJson(message) as ExecutionEvent;
    const set = listeners.get(event.executionId);
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
