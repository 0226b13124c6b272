import type { Execution, Label, TaskRun } from '../model/execution.js';
import { newId } from '../model/ids.js';
import { newState, withState } from '../model/state.js';
import { withAncestors } from './restart-execution.js';

/** The label a replay carries (Kestra's `system.replay`). */
export const REPLAY_LABEL = 'system.replay';
/** The label the replayed execution gets (Kestra's `system.replayed`). */
export const REPLAYED_LABEL = 'system.replayed';

/** What to replay: from the start, or from one task run; optionally under another flow revision. */
export interface ReplayOptions {
  readonly taskRunId?: string;
  readonly revision?: number;
  readonly now: Date;
  /** The new execution's id; a new one by default. */
  readonly id?: string;
}

/**
 * Kestra's replay: a new execution of the same flow, inputs, trigger and labels (plus
 * `system.replay: true`), whose `originalId` names the first execution of the line. Without a
 * task run it starts from the beginning (CREATED, no task runs). From a task run, it copies
 * every task run created before that one (with new ids, parents mapped), and that run and its
 * ancestors run again: the run itself RESTARTED (a new attempt) or, for a flowable with a plan,
 * RUNNING from its plan with its children dropped; the ancestors RUNNING. Everything created
 * after it (later tasks, a Parallel's later branches, errors, finally) runs again. The state
 * keeps the original's history plus RESTARTED, as Kestra's does.
 */
export function replayExecution(execution: Execution, options: ReplayOptions): { readonly ok: true; readonly execution: Execution } | { readonly ok: false; readonly message: string } {
  const id = options.id ?? newId();
  const labels: Label[] = [...execution.labels.filter((l) => l.key !== REPLAY_LABEL && l.key !== REPLAYED_LABEL), { key: REPLAY_LABEL, value: 'true' }];
  const { outputs: _outputs, ...rest } = execution;
  const base: Execution = {
    ...rest,
    id,
    originalId: execution.originalId ?? execution.id,
    flowRevision: options.revision ?? execution.flowRevision,
    labels,
    metadata: { attemptNumber: 1, originalCreatedDate: options.now.toISOString() },
    taskRunList: [],
    state: newState('CREATED', options.now),
  };
  if (options.taskRunId === undefined) return { ok: true, execution: base };
  const index = execution.taskRunList.findIndex((run) => run.id === options.taskRunId);
  if (index < 0) return { ok: false, message: `Task run id '${options.taskRunId}' not found in execution` };
  const chosen = execution.taskRunList[index] as TaskRun;
  const byId = new Map(execution.taskRunList.map((run) => [run.id, run]));
  const line = withAncestors([chosen], byId);
  const kept = execution.taskRunList.filter((run, i) => i <= index || line.has(run.id));
  const ids = new Map(kept.map((run) => [run.id, newId()]));
  const taskRunList = kept.map((run): TaskRun => {
    const { retryAt: _waiting, parentTaskRunId, ...fields } = run;
    const copy: TaskRun = {
      ...fields,
      id: ids.get(run.id) as string,
      executionId: id,
      ...(parentTaskRunId === undefined ? {} : { parentTaskRunId: ids.get(parentTaskRunId) ?? parentTaskRunId }),
    };
    if (!line.has(run.id)) return copy;
    const again = run.id === chosen.id && !run.plan ? 'RESTARTED' : 'RUNNING';
    return { ...copy, ...(run.id === chosen.id ? { outputs: {} } : {}), state: withState(run.state, again, options.now) };
  });
  return { ok: true, execution: { ...base, taskRunList, state: withState(execution.state, 'RESTARTED', options.now) } };
}
