import { Redis } from 'ioredis';
import { isSluiceError, type SluiceError } from '@sluice/core';
import { engineErrors } from '@sluice/engine';
import type { ResolvedOptions } from './options.js';
import { withDeadline } from './time.js';

/**
 * The Redis connections and the one rule they share: a call either answers or rejects with
 * `RUNTIME_UNAVAILABLE` (retryable) quickly. Two kinds of connection exist, for opposite needs:
 *
 * - The request path (repositories, enqueue, pub/sub) must fail fast so an HTTP request answers
 *   503 instead of hanging: `enableOfflineQueue: false` rejects commands while disconnected,
 *   `commandTimeout` rejects commands Redis never answers, and {@link RedisStore.ready} refuses
 *   calls while the connection is known to be down.
 * - The worker path must ride out outages: BullMQ requires `maxRetriesPerRequest: null` on the
 *   connection it blocks on, and its commands wait for the reconnection.
 */

/**
 * Redis replies that mean "not now" rather than "wrong command": a loading replica, a failover,
 * memory pressure, bad credentials. Any other reply error is a bug and is rethrown as it is.
 */
const UNAVAILABLE_REPLY = /^(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|BUSY|NOREPLICAS|OOM|MISCONF|NOAUTH|WRONGPASS)\b/;

/**
 * A `RUNTIME_UNAVAILABLE` error for `what`. `details.replyLost` says the command had left when
 * the connection dropped (see {@link failInFlightOnClose}): it may have been applied, which a
 * caller that retries must allow for. Otherwise nothing reached Redis, or it did not answer.
 */
export function unavailable(what: string, cause?: unknown): SluiceError {
  const reason = cause instanceof Error ? cause.message : String(cause ?? 'no connection');
  const replyLost = cause instanceof Error && cause.message === REPLY_LOST;
  return engineErrors.RUNTIME_UNAVAILABLE(`${what}: ${reason}`, { retryable: true, cause, details: { operation: what, ...(replyLost ? { replyLost } : {}) } });
}

/**
 * What a failed Redis call becomes: our own errors pass, programming errors pass, anything from
 * the transport (closed connection, offline queue refused, timeout, refused socket) becomes
 * `RUNTIME_UNAVAILABLE`.
 */
export function toStoreError(what: string, error: unknown): unknown {
  if (isSluiceError(error)) return error;
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return error;
  if (error instanceof Error && error.name === 'ReplyError' && !UNAVAILABLE_REPLY.test(error.message)) return error;
  return unavailable(what, error);
}

/**
 * Reconnect forever, quickly at first (after 100, 300, 600, 1000 ms...): a Redis restart should
 * heal without a process restart, and within the moment a request caught by it waits for it.
 */
function retryStrategy(times: number): number {
  return Math.min(times * 100, 2000);
}

/**
 * Makes the commands `client` sends during one turn of the event loop leave in one socket write:
 * the first command of a turn corks the socket, and the turn's check phase (`setImmediate`)
 * uncorks it. ioredis writes each command on its own, and on loopback every write is a system
 * call that wakes Redis: writes were the largest single cost of a webhook and of an execution.
 * The uncork waits for the check phase, not for the end of the callback (`process.nextTick`), so
 * that the requests read in one poll phase, each in its own socket's callback, share the write:
 * under 50 connections that took 15% off the CPU of a webhook. An idle server loses nothing, as
 * the check phase follows the poll phase at once. Order is kept. Not for a connection that
 * blocks (BullMQ's fetch).
 */
export function coalesceWrites(client: Redis): Redis {
  let corked = false;
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, stream) => {
    const socket = client.stream as Redis['stream'] | undefined;
    if (!corked && client.status === 'ready' && socket !== undefined && typeof socket.cork === 'function') {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(command, stream);
  };
  return client;
}

/** The message of a command failed by {@link failInFlightOnClose}. */
export const REPLY_LOST = 'connection lost before the reply; the command may have been applied';

/**
 * Fails every command still waiting for its reply the moment `client`'s connection closes,
 * instead of resending it after the reconnection (ioredis' default) or leaving it to its
 * command timeout (what turning the resend off alone does: ioredis then drops the commands
 * without settling them). A resend is not safe for writes: Redis may have applied the command
 * before the socket dropped (a Redis killed after its AOF fsync, before its reply), and the
 * resend then applied it twice (a log line stored twice) or found its own write and reported a
 * conflict (a create answered 'already exists'). And it came after the caller had been answered.
 * Failing at once hands the decision to the caller, who knows whether a retry is safe and how
 * to recognise its own earlier success (see the server's `storeAndQueue`), within its deadline.
 *
 * `flushQueue` is ioredis' own way of failing the pending commands (it is what its retry limit
 * calls); it is not in its typings, hence the cast. `connection.test.ts` holds it to this.
 */
export function failInFlightOnClose(client: Redis): Redis {
  const flush = (client as unknown as { flushQueue?: (error: Error, options: { offlineQueue: boolean; commandQueue: boolean }) => void }).flushQueue;
  if (typeof flush !== 'function') throw new Error('runtime-bullmq: this ioredis has no flushQueue; pin ioredis 5');
  client.on('close', () => flush.call(client, new Error(REPLY_LOST), { offlineQueue: true, commandQueue: true }));
  return client;
}

/** A connection of the request path (see the module comment); see {@link coalesceWrites} and {@link failInFlightOnClose}. */
export function createRequestClient(options: ResolvedOptions, name: string, lazyConnect = false): Redis {
  return coalesceWrites(failInFlightOnClose(new Redis(options.redisUrl, {
    connectionName: `${options.prefix}:${options.role}:${name}`,
    lazyConnect,
    enableOfflineQueue: false,
    connectTimeout: options.connection.connectTimeoutMs,
    commandTimeout: options.connection.commandTimeoutMs,
    // Nothing is resent after a reconnection: see failInFlightOnClose.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    retryStrategy,
  })));
}

/**
 * The connection a BullMQ Worker uses. BullMQ duplicates it for its blocking fetch, so it must
 * carry `maxRetriesPerRequest: null` and no command timeout (a blocking BZPOPMIN waits by design).
 * The queue consumer coalesces the writes of its own (never blocking) connection: see
 * `BullmqQueueConsumer`.
 */
export function createWorkerClient(options: ResolvedOptions, name: string): Redis {
  return new Redis(options.redisUrl, {
    connectionName: `${options.prefix}:${options.role}:${name}`,
    connectTimeout: options.connection.connectTimeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy,
  });
}

/** Closes `client`: QUIT when it is up (pending replies arrive), dropped at the deadline or when it is down. */
export async function closeClient(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await withDeadline(client.quit(), timeoutMs, 'QUIT');
  } catch {
    client.disconnect();
  }
}

/**
 * One request-path connection and its health. `run` is how every repository call reaches Redis:
 * it checks the connection first and maps failures with {@link toStoreError}.
 */
export class RedisStore {
  private lastError: Error | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    readonly client: Redis,
    private readonly readyTimeoutMs: number,
    onError: (error: unknown, context: string) => void,
    context: string,
  ) {
    // Without a listener ioredis prints every reconnection failure; report only the first of a run.
    client.on('error', (error: Error) => {
      if (this.lastError === undefined) onError(error, context);
      this.lastError = error;
    });
    client.on('ready', () => {
      this.lastError = undefined;
    });
  }

  /**
   * Resolves when a command can be sent now. While the first connection is being set up it waits
   * (at most `readyTimeoutMs`); once a connection attempt has failed it rejects at once, so an
   * outage costs callers nothing but the rejection.
   */
  async ready(what: string): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return;
    if (client.status === 'end') throw unavailable(what, new Error('connection closed'));
    if (this.lastError) throw unavailable(what, this.lastError);
    if (client.status === 'wait') client.connect().catch(() => undefined);
    try {
      await (this.connecting ??= this.waitForConnection());
    } catch (error) {
      throw unavailable(what, error);
    }
  }

  /**
   * One wait for the connection, shared by every call made meanwhile: a webserver started under
   * load gets hundreds of calls before Redis answers, and listeners per call piled up (Node's
   * MaxListenersExceededWarning) for no gain.
   */
  private waitForConnection(): Promise<void> {
    const client = this.client;
    const waiting = new Promise<void>((resolve, reject) => {
      const done = (error?: unknown): void => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('error', onFailure);
        client.off('end', onEnd);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onReady = (): void => done();
      const onFailure = (error: Error): void => done(error);
      const onEnd = (): void => done(new Error('connection closed'));
      const timer = setTimeout(() => done(new Error(`not connected after ${this.readyTimeoutMs} ms`)), this.readyTimeoutMs);
      timer.unref();
      client.once('ready', onReady);
      client.once('error', onFailure);
      client.once('end', onEnd);
    });
    const forget = (): void => {
      if (this.connecting === waiting) this.connecting = undefined;
    };
    waiting.then(forget, forget);
    return waiting;
  }

  /** Runs `fn` on the connection once it is ready; transport failures become `RUNTIME_UNAVAILABLE`. */
  async run<T>(what: string, fn: (client: Redis) => Promise<T>): Promise<T> {
    await this.ready(what);
    try {
      return await fn(this.client);
    } catch (error) {
      throw toStoreError(what, error);
    }
  }
}

/** The replies of a pipeline, or its first error. */
export async function pipelined(results: Promise<[Error | null, unknown][] | null>): Promise<unknown[]> {
  const replies = await results;
  if (replies === null) throw new Error('pipeline aborted');
  return replies.map(([error, value]) => {
    if (error) throw error;
    return value;
  });
}
