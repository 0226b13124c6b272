import type { Execution } from '@sluice/engine';

/**
 * Work to do once an execution's end is stored: start the flows it triggers, and later Kestra's
 * `stopAfter`. The worker runs every hook after the executor stored the terminal state and
 * before it acknowledges the job, and again whenever a delivered job finds its execution already
 * ended (a job redelivered after a crash between the two), so a hook runs at least once per end
 * and may run more often: its effects must be idempotent (derive ids from the execution, store
 * with create-if-absent). A hook that rejects fails the job, which is delivered again later.
 */
export interface AfterEnd {
  /** A short name for the log lines, e.g. `flow-triggers`. */
  readonly name: string;
  run(execution: Execution): Promise<void>;
}

/**
 * Runs every hook for `execution`, each even when one before it failed (one hook's outage must
 * not hold back the others), then rejects with the first failure so the job is delivered again.
 */
export async function runAfterEnd(hooks: readonly AfterEnd[], execution: Execution): Promise<void> {
  const failures: unknown[] = [];
  for (const hook of hooks) {
    try {
      await hook.run(execution);
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}
