import type { ExecutionEvents } from '../ports/ports.js';

/** A kill of one execution, heard while a worker runs it. */
export interface KillListener {
  /** True once a KILLING state of the execution was announced, from any process. */
  readonly killed: boolean;
  /**
   * The run's signal: fires when the job's signal fires or the execution is killed, whichever
   * comes first, with that one's reason. What the running plugins get.
   */
  readonly signal: AbortSignal;
  close(): Promise<void>;
}

/**
 * Listens for the KILLING announcement of `executionId` on the runtime's execution events (Redis
 * pub/sub under BullMQ, in process otherwise), which the kill route publishes after storing
 * KILLING. No polling: the worker running the execution learns of the kill when it is made, and
 * its running plugins get their abort signal. When the events cannot be listened to (the
 * subscriber connection is down), the run goes on without: a kill then takes effect when the
 * execution is next read (its first save is conditional, so a stored KILLING is never lost to it).
 *
 * The run's signal follows `jobSignal` through a listener removed by `close`, rather than
 * `AbortSignal.any`, whose weak references and sets cost every execution more than the one
 * listener does.
 */
export async function listenForKill(events: ExecutionEvents | undefined, executionId: string, jobSignal: AbortSignal): Promise<KillListener> {
  const controller = new AbortController();
  let killed = false;
  const onJobAbort = (): void => controller.abort(jobSignal.reason);
  if (jobSignal.aborted) onJobAbort();
  else jobSignal.addEventListener('abort', onJobAbort, { once: true });
  let unsubscribe: (() => Promise<void>) | undefined;
  if (events !== undefined) {
    try {
      // Kills alone: on BullMQ a worker then hears no other execution's events (killsOnly).
      unsubscribe = await events.subscribe(executionId, (event) => {
        if (event.state !== 'KILLING' || killed) return;
        killed = true;
        controller.abort(new Error(`execution ${executionId} was killed`));
      }, { killsOnly: true });
    } catch {
      unsubscribe = undefined;
    }
  }
  return {
    get killed() {
      return killed;
    },
    signal: controller.signal,
    close: async () => {
      jobSignal.removeEventListener('abort', onJobAbort);
      await unsubscribe?.().catch(() => undefined);
    },
  };
}
