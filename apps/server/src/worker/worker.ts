import { createExecutor, isTerminated, type QueueConsumer } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

/** A running worker: consumes the execution queue until closed. */
export interface Worker {
  healthy(): boolean;
  close(graceMs: number): Promise<void>;
}

/**
 * Consumes the execution queue and runs each execution through the executor. Delivery is at
 * least once; the executor is idempotent, so a job delivered again after a crash finishes the
 * execution without re-running what had finished.
 */
export function startWorker(s: ServerContext): Worker {
  const executor = createExecutor({ runtime: s.runtime, registry: s.registry, secrets: s.secrets });
  let consumer: QueueConsumer | undefined;
  let closed = false;
  consumer = s.runtime.queue.consume(
    async (executionId, signal) => {
      const end = s.metrics.executionDuration.startTimer();
      const execution = await executor.run(executionId, signal);
      end();
      if (isTerminated(execution.state.current)) s.metrics.executionsFinished.inc({ state: execution.state.current });
    },
    { concurrency: s.config.SLUICE_WORKER_CONCURRENCY },
  );
  return {
    healthy: () => !closed && consumer !== undefined,
    async close(graceMs) {
      closed = true;
      await consumer?.close(graceMs);
      consumer = undefined;
    },
  };
}
