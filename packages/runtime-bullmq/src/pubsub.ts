import type { Redis } from 'ioredis';
import { closeClient, RedisStore, unavailable } from './connection.js';

/**
 * The process's one subscriber connection (a connection in subscriber mode can do nothing
 * else). Each channel is subscribed once, on first use, and stays subscribed for the life of the
 * runtime; listeners come and go locally, which costs no round trip and cannot race an
 * UNSUBSCRIBE. ioredis resubscribes by itself after a reconnection.
 */
export class SharedSubscriber {
  private store: RedisStore | undefined;
  private closed = false;
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly subscriptions = new Map<string, Promise<void>>();

  constructor(
    private readonly connect: () => Redis,
    private readonly readyTimeoutMs: number,
    private readonly onError: (error: unknown, context: string) => void,
  ) {}

  /**
   * Resolves once `channel` is subscribed; every later message on it goes to `handler` (one
   * handler per channel: the owner of the channel dispatches to its own listeners).
   */
  async listen(channel: string, handler: (message: string) => void): Promise<void> {
    if (this.closed) throw unavailable(`subscribe ${channel}`, new Error('runtime closed'));
    this.handlers.set(channel, handler);
    let subscription = this.subscriptions.get(channel);
    if (!subscription) {
      const pending = this.subscriber()
        .run(`subscribe ${channel}`, (client) => client.subscribe(channel))
        .then(() => undefined);
      // A failed SUBSCRIBE is forgotten so the next listener tries again.
      pending.catch(() => {
        if (this.subscriptions.get(channel) === pending) this.subscriptions.delete(channel);
      });
      this.subscriptions.set(channel, pending);
      subscription = pending;
    }
    await subscription;
    // Subscribed once is not subscribed now: while the connection is down (ioredis resubscribes
    // when it is back) a listener would miss events, so say so instead of resolving.
    await this.subscriber().ready(`subscribe ${channel}`);
  }

  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    if (this.store) await closeClient(this.store.client, timeoutMs);
  }

  /** The connection, opened on first use: a process that never listens never opens it. */
  private subscriber(): RedisStore {
    if (!this.store) {
      const client = this.connect();
      client.on('message', (channel: string, message: string) => {
        try {
          this.handlers.get(channel)?.(message);
        } catch (error) {
          this.onError(error, `pub/sub message on ${channel}`);
        }
      });
      this.store = new RedisStore(client, this.readyTimeoutMs, this.onError, 'redis subscriber connection');
    }
    return this.store;
  }
}
