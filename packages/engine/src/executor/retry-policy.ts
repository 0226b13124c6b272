import { parseIsoDuration } from '../execution/iso-duration.js';
import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun, TaskRunAttempt } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { failedState } from './final-state.js';
import type { RunIndex, TaskIndex } from './flow-tree.js';

/** A task's `retry` (or its flowable ancestor's, or the flow's) with its durations in ms. */
export interface RetryPolicy {
  readonly type: 'constant' | 'exponential' | 'random';
  /** Most attempts, the first included; none: no limit. */
  readonly maxAttempts?: number;
  /** Longest time from the start of the first attempt to the start of the last; none: no limit. */
  readonly maxDurationMs?: number;
  readonly intervalMs: number;
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly delayFactor?: number;
  /** A success after a retry ends in WARNING. */
  readonly warningOnRetry: boolean;
}

const ms = (value: unknown): number => (typeof value === 'string' ? parseIsoDuration(value) ?? 0 : 0);

/**
 * The policy of a `retry` object as the flow check let it through (`check-retry.ts`): Kestra's
 * fields, `maxAttempt` or its 1.x name `maxAttempts`. Undefined when there is none.
 */
export function retryPolicyOf(raw: Readonly<Record<string, unknown>> | undefined): RetryPolicy | undefined {
  if (raw === undefined) return undefined;
  const type = raw.type === 'exponential' || raw.type === 'random' ? raw.type : 'constant';
  const attempts = raw.maxAttempts ?? raw.maxAttempt;
  return {
    type,
    ...(typeof attempts === 'number' ? { maxAttempts: attempts } : {}),
    ...(raw.maxDuration === undefined ? {} : { maxDurationMs: ms(raw.maxDuration) }),
    intervalMs: ms(raw.interval),
    minIntervalMs: ms(raw.minInterval),
    maxIntervalMs: ms(raw.maxInterval),
    ...(typeof raw.delayFactor === 'number' ? { delayFactor: raw.delayFactor } : {}),
    warningOnRetry: raw.warningOnRetry === true,
  };
}

/**
 * The retry that applies to a runnable task run, as Kestra picks it: the task's own, else the
 * nearest flowable ancestor's that has one, else the flow's.
 */
export function retryFor(task: FlowTask, taskRun: TaskRun, tasks: TaskIndex, runs: RunIndex, flowRetry: unknown): RetryPolicy | undefined {
  if (task.retry !== undefined) return retryPolicyOf(task.retry);
  for (let parent = runs.byId(taskRun.parentTaskRunId ?? ''); parent; parent = runs.byId(parent.parentTaskRunId ?? '')) {
    const retry = tasks.get(parent.taskId)?.retry;
    if (retry !== undefined) return retryPolicyOf(retry);
  }
  return typeof flowRetry === 'object' && flowRetry !== null ? retryPolicyOf(flowRetry as Record<string, unknown>) : undefined;
}

const firstDate = (attempt: TaskRunAttempt) => Date.parse(attempt.state.histories[0]?.date ?? '');
const lastDate = (attempt: TaskRunAttempt) => Date.parse(attempt.state.histories.at(-1)?.date ?? '');

/**
 * When the next attempt of a task run whose last attempt failed may start, or undefined when
 * the policy is spent, as Kestra's `TaskRun.nextRetryDate` computes it: none once the attempts
 * reach `maxAttempts`; otherwise from the end of the last attempt, `constant` waits `interval`,
 * `random` a uniform time in [minInterval, maxInterval), `exponential` interval × factor
 * (the integer part of `delayFactor`, 2 by default) × (attempts − 1), at most `maxInterval` (so
 * its first retry comes at once, as in Kestra); none when that date is past the first attempt's
 * start plus `maxDuration`. `random` is the source of [0, 1) numbers.
 */
export function nextRetryDate(policy: RetryPolicy, attempts: readonly TaskRunAttempt[], random: () => number): Date | undefined {
  const first = attempts[0];
  const last = attempts.at(-1);
  if (!first || !last) return undefined;
  if (policy.maxAttempts !== undefined && attempts.length >= policy.maxAttempts) return undefined;
  const base = lastDate(last);
  let delay: number;
  if (policy.type === 'constant') delay = policy.intervalMs;
  else if (policy.type === 'random') delay = Math.floor(policy.minIntervalMs + random() * (policy.maxIntervalMs - policy.minIntervalMs));
  else delay = Math.min(policy.intervalMs * Math.trunc(policy.delayFactor ?? 2) * (attempts.length - 1), policy.maxIntervalMs);
  const next = base + delay;
  if (policy.maxDurationMs !== undefined && next > firstDate(first) + policy.maxDurationMs) return undefined;
  return new Date(next);
}

/** How an attempt ended: its own outcome, before retry, `allowFailure` and `warningOnRetry` apply. */
export type AttemptOutcome = 'SUCCESS' | 'FAILED';

/** What a task run becomes once an attempt ended: a final state, or RETRYING until a date. */
export type AttemptEnd = { readonly state: StateType; readonly retryAt?: undefined } | { readonly state: 'RETRYING'; readonly retryAt: Date };

/**
 * The end of an attempt, as Kestra's worker and executor settle it: a failure with a retry left
 * waits for it (RETRYING until the next date); a failure without one ends FAILED, or WARNING
 * (SUCCESS with `allowWarning`) under `allowFailure`; a success after a retry ends WARNING under
 * `warningOnRetry` (SUCCESS again with `allowWarning`). `attempts` includes the attempt that
 * just ended, with its end.
 */
export function attemptEnd(
  task: Pick<FlowTask, 'allowFailure' | 'allowWarning'>, policy: RetryPolicy | undefined, attempts: readonly TaskRunAttempt[], outcome: AttemptOutcome, random: () => number,
): AttemptEnd {
  if (outcome === 'SUCCESS') {
    const warned = policy?.warningOnRetry === true && attempts.length > 1;
    return { state: warned && !task.allowWarning ? 'WARNING' : 'SUCCESS' };
  }
  const retryAt = policy === undefined ? undefined : nextRetryDate(policy, attempts, random);
  if (retryAt !== undefined) return { state: 'RETRYING', retryAt };
  return { state: failedState(task) };
}
