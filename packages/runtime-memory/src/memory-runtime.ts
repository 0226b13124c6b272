import { isSluiceError } from '@sluice/core';
import type { Runtime } from '@sluice/engine';
import { createEventBus } from './event-bus.js';
import { createExecutionStore } from './execution-store.js';
import { createFlowStore } from './flow-store.js';
import { createGuard } from './guard.js';
import { createLogStore } from './log-store.js';
import { createMemoryQueue, type MemoryQueueOptions } from './memory-queue.js';
import { createMemorySchedules, type MemorySchedulesOptions } from './memory-schedules.js';
import { createSessionStore } from './session-store.js';
import { createKvStore } from './kv-store.js';
import { createTriggerStateStore } from './trigger-state-store.js';
import { createConcurrencyStore } from './concurrency-store.js';

/** Options of {@link createMemoryRuntime}. */
export interface MemoryRuntimeOptions {
  /** At most this many executions run at once across every consumer; unbounded by default. */
  readonly concurrency?: number;
  /** How much history to keep; everything is lost at exit anyway. */
  readonly retention?: {
    /** Past this many executions, the oldest terminated ones (and their logs) are dropped. */
    readonly maxExecutions?: number;
    /** Terminated executions (and their logs) created longer ago than this, in seconds, are dropped; 0 or unset keeps them. */
    readonly maxAgeSeconds?: number;
    /** Log lines kept per execution, the newest win; unbounded by default. */
    readonly maxLogsPerExecution?: number;
  };
  /** How long `close()` waits for running executions before aborting them, in ms (default 10 s). */
  readonly closeGraceMs?: number;
  /** Told about every queue handler that throws. */
  readonly onHandlerError?: MemoryQueueOptions['onHandlerError'];
  /** Told about a schedule tick whose handler kept failing, or a calendar that threw. */
  readonly onScheduleError?: MemorySchedulesOptions['onError'];
  /** The clock for flow revision dates and the retention's age; injectable for tests. */
  readonly now?: () => Date;
}

/**
 * Every engine port in process: the embedded runtime `sluice` runs without Redis, for a quick
 * start, local development and plugin tests. Nothing survives a restart (`durable: false`), and
 * the host says so at start.
 */
export function createMemoryRuntime(options: MemoryRuntimeOptions = {}): Runtime {
  const guard = createGuard('memory');
  const now = options.now ?? (() => new Date());
  const logs = createLogStore(guard, options.retention?.maxLogsPerExecution);
  const events = createEventBus(guard);
  const queue = createMemoryQueue(guard, {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.closeGraceMs === undefined ? {} : { closeGraceMs: options.closeGraceMs }),
    ...(options.onHandlerError ? { onHandlerError: options.onHandlerError } : {}),
  });
  const executions = createExecutionStore(guard, {
    ...(options.retention?.maxExecutions === undefined ? {} : { maxExecutions: options.retention.maxExecutions }),
    ...(options.retention?.maxAgeSeconds ? { maxAgeSeconds: options.retention.maxAgeSeconds } : {}),
    now: () => now().getTime(),
    onEvict: (id) => logs.drop(id),
    appendLogs: (entries) => logs.push(entries),
    announce: (announced, saved) => events.announce(announced, saved),
  });
  const schedules = createMemorySchedules(guard, options.onScheduleError ? { onError: options.onScheduleError } : {});
  return {
    name: 'memory',
    durable: false,
    flows: createFlowStore(guard, now),
    executions,
    logs,
    queue,
    events,
    schedules,
    sessions: createSessionStore(guard),
    kv: createKvStore(guard),
    triggers: createTriggerStateStore(guard),
    concurrency: createConcurrencyStore(guard),
    async submit(execution) {
      try {
        await executions.create(execution);
      } catch (error) {
        // A duplicate is queued all the same (see the port): a retried start must not be lost.
        if (isSluiceError(error, 'RUNTIME_DUPLICATE_EXECUTION')) await queue.enqueue(execution.id);
        throw error;
      }
      await queue.enqueue(execution.id);
    },
    async ping() {
      guard.check();
    },
    async close() {
      if (guard.closed) return;
      // Consumers first, while the stores still answer the handlers finishing their work.
      await schedules.close(options.closeGraceMs);
      await queue.closeAll(options.closeGraceMs);
      guard.close();
      events.clear();
    },
  };
}
