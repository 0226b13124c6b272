import { withState, type Execution } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

/**
 * Stores a new execution, then queues it: what every route that starts a flow does before it
 * answers, so nothing is acknowledged before it is persisted and queued.
 *
 * When the store took the execution but the queue did not (Redis went away between the two
 * calls, or the queue did not answer in time), the route answers 503: the caller was told it
 * failed and will retry, so this execution must not run as well. It is marked CANCELLED with a
 * log line saying why, while the store still answers. If the store does not answer either, it
 * stays CREATED: nothing ever queues a CREATED execution, so it never runs, and it expires with
 * the retention like any other. The worker runs nothing that is CANCELLED, so even a job that
 * reached Redis although its enqueue reported a failure (its reply lost) does not run it, unless
 * a worker started it in the moment between the two.
 */
export async function storeAndQueue(s: Pick<ServerContext, 'runtime' | 'logger'>, execution: Execution): Promise<void> {
  await s.runtime.executions.create(execution);
  try {
    await s.runtime.queue.enqueue(execution.id);
  } catch (error) {
    await abandon(s, execution, error);
    throw error;
  }
}

async function abandon(s: Pick<ServerContext, 'runtime' | 'logger'>, execution: Execution, cause: unknown): Promise<void> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const line = `not queued (${reason}): the caller was answered 503, so this execution will not run`;
  try {
    const stored = await s.runtime.executions.get(execution.id);
    if (stored && stored.state.current === 'CREATED') {
      const now = new Date();
      await s.runtime.executions.save({ ...stored, state: withState(stored.state, 'CANCELLED', now) });
      await s.runtime.logs.append([{
        tenantId: stored.tenantId, namespace: stored.namespace, flowId: stored.flowId, executionId: stored.id,
        timestamp: now.toISOString(), level: 'ERROR', message: line,
      }]);
    }
    s.logger.warn({ executionId: execution.id, state: stored?.state.current === 'CREATED' ? 'CANCELLED' : stored?.state.current }, `execution ${execution.id} ${line}`);
  } catch (error) {
    s.logger.warn({ executionId: execution.id, state: 'CREATED', err: { message: error instanceof Error ? error.message : String(error) } },
      `execution ${execution.id} ${line}; it stays CREATED, which is never queued`);
  }
}
