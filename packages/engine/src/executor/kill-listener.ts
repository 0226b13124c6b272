import { setMaxListeners } from 'node:events';
import type { ExecutionEvents } from '../ports/ports.js';

/** A kill of one execution, heard while a worker runs it. */
export interface KillListener {
  /** True once a KILLING state of the execution was announced, from any process. */
  readonly killed: boolean;
  /**
   * The run's signal: fires when the job's signal fires, the execution is killed or the run
   * aborts it ({@link abort}), whichever comes first, with that one's reason. What the running
   * plugins get.
   */
  readonly signal: AbortSignal;
  /**
   * Fires {@link signal} with `reason` (a save that failed: no attempt may run on beside the
   * job's next delivery), leaving {@link killed} as it is. The run's next try (the execution read
   * again) reads a fresh {@link signal}, unless the job's signal fired or a kill came meanwhile.
   */
  abort(reason: unknown): void;
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
 * listener does. It is the one signal every attempt of the run listens to (hence no limit on its
 * listeners), and the one the run aborts itself: each AbortSignal Node makes gets a hidden class
 * of its own, and a signal more per execution cost the worker measurably in promotion to the old
 * generation ("Twelfth round" in docs/performance.md).
 */
export async function listenForKill(events: ExecutionEvents | undefined, executionId: string, jobSignal: AbortSignal): Promise<KillListener> {
  let controller = runController();
  // The run aborted its own signal (a save failed): its next try gets a fresh one.
  let abortedByRun = false;
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
    get signal() {
      if (abortedByRun && !killed && !jobSignal.aborted) {
        controller = runController();
        abortedByRun = false;
      }
      return controller.signal;
    },
    abort: (reason) => {
      if (controller.signal.aborted) return;
      abortedByRun = true;
      controller.abort(reason);
    },
    close: async () => {
      jobSignal.removeEventListener('abort', onJobAbort);
      await unsubscribe?.().catch(() => undefined);
    },
  };
}

/** A controller of the run's signal, which every attempt listens to: no limit on its listeners. */
function runController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
