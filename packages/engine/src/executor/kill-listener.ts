import type { ExecutionEvents } from '../ports/ports.js';

/** A kill of one execution, heard while a worker runs it. */
export interface KillListener {
  /** Fires when a KILLING state of the execution is announced, from any process. */
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
 */
export async function listenForKill(events: ExecutionEvents | undefined, executionId: string): Promise<KillListener> {
  const controller = new AbortController();
  let unsubscribe: (() => Promise<void>) | undefined;
  if (events !== undefined) {
    try {
      // Kills alone: on BullMQ a worker then hears no other execution's events (killsOnly).
      unsubscribe = await events.subscribe(executionId, (event) => {
        if (event.state === 'KILLING') controller.abort(new Error(`execution ${executionId} was killed`));
      }, { killsOnly: true });
    } catch {
      unsubscribe = undefined;
    }
  }
  return {
    signal: controller.signal,
    close: async () => {
      await unsubscribe?.().catch(() => undefined);
    },
  };
}
