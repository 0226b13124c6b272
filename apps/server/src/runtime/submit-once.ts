import { isSluiceError } from '@sluice/core';
import type { Execution } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

/**
 * Stores and queues an execution whose id is derived from the event that starts it (a schedule's
 * tick, an ended execution), and counts it. Resolves false when an earlier handling of the same
 * event stored it already: submit queued it again all the same, which is harmless (job id =
 * execution id) and is what a handling that stored but did not queue needs. Any other failure
 * rejects, so the event is handled again.
 */
export async function submitOnce(s: Pick<ServerContext, 'runtime' | 'metrics'>, execution: Execution, triggerKind: string): Promise<boolean> {
  try {
    await s.runtime.submit(execution);
  } catch (error) {
    if (isSluiceError(error, 'RUNTIME_DUPLICATE_EXECUTION')) return false;
    throw error;
  }
  s.metrics.executionsCreated.inc({ trigger: execution.trigger?.type ?? triggerKind });
  return true;
}
