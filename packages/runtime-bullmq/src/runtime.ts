import { stringifyJson } from '@sluice/core';
import type { Runtime } from '@sluice/engine';
import { closeClient, createRequestClient, RedisStore } from './connection.js';
import { RedisExecutionEvents } from './execution-events.js';
import { BullmqExecutionQueue } from './execution-queue.js';
import { RedisExecutionRepository } from './execution-repository.js';
import { RedisFlowRepository } from './flow-repository.js';
import { createKeys } from './keys.js';
import { RedisLogRepository } from './log-repository.js';
import { resolveOptions, type BullmqRuntimeOptions } from './options.js';
import { RedisScheduleClock } from './schedule-clock.js';
import { SharedSubscriber } from './pubsub.js';
import { preloadScripts } from './scripts.js';
import { watchRedisSettings } from './redis-settings.js';
import { createSessionRepository } from './session-repository.js';
import { createKvRepository } from './kv-repository.js';
import { createTriggerStateRepository } from './trigger-state-repository.js';
import { createConcurrencyLimits } from './concurrency-limits.js';

/**
 * The engine's ports on BullMQ and Redis (name `bullmq`, durable).
 *
 * Resolves without waiting for Redis: a process started while Redis is down comes up, its calls
 * reject with `RUNTIME_UNAVAILABLE` (and `ping()` tells readiness so), and it heals by itself when
 * Redis returns. Options are checked at once; a bad one throws.
 *
 * Connections: one request-path connection shared by the repositories and the BullMQ Queue, one
 * subscriber connection opened on the first `watch`/`subscribe`, and per `consume()` a worker
 * connection plus BullMQ's blocking copy of it.
 */
export async function createBullmqRuntime(options: BullmqRuntimeOptions): Promise<Runtime> {
  const resolved = resolveOptions(options);
  const keys = createKeys(resolved.prefix);
  const { connection, retention, onError } = resolved;
  const requestClient = createRequestClient(resolved, 'request');
  // Registered before anything else listens for 'ready', so the scripts go first on the connection.
  preloadScripts(requestClient, (error) => onError(error, 'redis request connection: load scripts'));
  watchRedisSettings(requestClient, resolved.onWarning);
  const store = new RedisStore(requestClient, connection.readyTimeoutMs, onError, 'redis request connection');
  const subscriber = new SharedSubscriber(() => createRequestClient(resolved, 'subscriber', true), connection.readyTimeoutMs, onError);
  const queue = new BullmqExecutionQueue(store, keys, resolved);
  const schedules = new RedisScheduleClock(store, keys, resolved);
  let closing: Promise<void> | undefined;

  const shutdown = async (): Promise<void> => {
    // Consumers first: their handlers may still write through the request connection.
    await schedules.close();
    await queue.close();
    await subscriber.close(connection.closeTimeoutMs);
    await closeClient(store.client, connection.closeTimeoutMs);
  };

  const executions = new RedisExecutionRepository(store, keys, retention.executionsTtlSeconds, retention.logsPerExecution);

  return {
    name: 'bullmq',
    durable: true,
    flows: new RedisFlowRepository(store, keys, subscriber, onError),
    executions,
    logs: new RedisLogRepository(store, keys, retention.logsPerExecution, retention.executionsTtlSeconds),
    queue,
    events: new RedisExecutionEvents(store, keys, subscriber, onError),
    schedules,
    sessions: createSessionRepository(store, keys),
    kv: createKvRepository(store, keys),
    triggers: createTriggerStateRepository(store, keys),
    concurrency: createConcurrencyLimits(store, keys),
    async submit(execution) {
      // The create's commands leave before the job's, in the same write (see enqueueAfter). The
      // execution's JSON is made once, for the store and for the job, which carries it so the
      // worker need not read it back.
      const json = stringifyJson(execution);
      await queue.enqueueAfter(execution.id, () => executions.sendCreate(execution, json), json);
    },
    async ping() {
      await store.run('ping', (client) => client.ping());
    },
    close() {
      closing ??= shutdown();
      return closing;
    },
  };
}
