import { isSluiceError } from '@sluice/core';
import { withState, type Execution } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

/**
 * Stores a new execution, then queues it: what every route that starts a flow does before it
 * answers, so nothing is acknowledged before it is persisted and queued. The runtime does both
 * in one step (`Runtime.submit`: one round trip on Redis, the execution stored first).
 *
 * When the submit fails otherwise than on a duplicate id (Redis went away, or did not answer in
 * time), the route answers 503: the caller was told it failed and will retry, so this execution
 * must not run as well. If the store took it, it is marked CANCELLED with a log line saying why,
 * while the store still answers. If the store does not answer either, it stays CREATED: nothing
 * ever queues a CREATED execution, so it never runs, and it expires with the retention like any
 * other. The worker runs nothing that is CANCELLED, so even a job that reached Redis although
 * the submit reported a failure (its reply lost) does not run it, unless a worker started it in
 * the moment between the two.
 */
export async function storeAndQueue(s: Pick<ServerContext, 'runtime' | 'logger'>, execution: Execution): Promise<void> {
  try {
    await s.runtime.submit(execution);
  } catch (error) {
    // A duplicate id is somebody else's execution: never cancel it.
    if (!isSluiceError(error, 'RUNTIME_DUPLICATE_EXECUTION')) await abandon(s, execution, error);
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
