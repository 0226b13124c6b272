import type { PollTrigger, TObject, TSchema } from '@sluice/core';
import { backoffMs, pollDelayMs, prepareTrigger, type TriggerState, type TriggerStateUpdate } from '@sluice/engine';
import { pluginLogger } from '../logging/plugin-logger.js';
import { FailureLog, countRejected, describeFailure, pause, storeStart, type RunnerDeps } from './runner-support.js';

/** A poll that takes longer than this is given up (and counts as a failure), as Kestra's worker timeout. */
export const POLL_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs one poll trigger while this process holds its lease, until `signal` fires.
 *
 * Each round reads the flow (so a save that only changed tasks is seen at the next poll), waits
 * until the stored next poll time (a time already past after downtime means one poll now, not
 * one per missed interval), calls the plugin's `poll` with the stored cursor, stores every
 * start's execution under its derived id, and only then stores the new cursor, fenced by the
 * lease. A crash between the two repeats the poll from the old cursor and finds the executions
 * stored. A failing poll (or store) is retried after a capped exponential backoff, its error
 * stored as the trigger's last error and logged once per change.
 */
export async function runPoll(deps: RunnerDeps, initial: TriggerState, signal: AbortSignal): Promise<void> {
  const { s, key, holder } = deps;
  const failures = new FailureLog(deps, `poll trigger ${key.namespace}.${key.flowId}.${key.triggerId}`);
  let cursor = initial.cursor;
  let nextPollAt = initial.nextPollAt;
  let failed = 0;
  // Events the plugin rejected during a poll: added to the state with the poll's own write.
  let rejected = 0;
  const onReject = () => {
    countRejected(deps);
    rejected++;
  };
  const takeRejected = (): TriggerStateUpdate => {
    const add = rejected;
    rejected = 0;
    return add > 0 ? { addRejected: add } : {};
  };
  const write = async (update: TriggerStateUpdate): Promise<boolean> => {
    if (await s.runtime.triggers.update(key, holder, update)) return true;
    deps.onLeaseLost();
    return false;
  };

  while (!signal.aborted) {
    await pause(pollDelayMs(nextPollAt, Date.now()), signal);
    if (signal.aborted) return;
    const startedAt = Date.now();
    try {
      const flow = await s.runtime.flows.get({ tenantId: key.tenantId, namespace: key.namespace, id: key.flowId });
      const prepared = prepareTrigger({ flow, triggerId: key.triggerId, registry: s.registry, secrets: s.secrets, logger: pluginLogger(deps.log), signal, onReject });
      // The flow changed under us; the runners' next pass stops this one.
      if (!prepared.ok) {
        deps.log.debug({ reason: prepared.reason }, 'poll trigger not polled');
        nextPollAt = startedAt + deps.backoff.baseMs;
        continue;
      }
      const definition = prepared.definition as PollTrigger<TObject, TSchema>;
      const interval = definition.interval(prepared.props);
      if (!Number.isFinite(interval) || interval <= 0) throw new Error(`the trigger's interval is ${interval} ms; it must be a positive number`);
      const from = cursor;
      const answer = await withTimeout(definition.poll(prepared.ctx, prepared.props, from), POLL_TIMEOUT_MS);
      if (signal.aborted) return;
      let started = 0;
      let lastExecutionId: string | undefined;
      for (const [index, start] of answer.starts.entries()) {
        const stored = await storeStart(deps, prepared, start, { cursor: from, index });
        if (stored.kind === 'stored') {
          lastExecutionId = stored.executionId;
          if (stored.fresh) started++;
        }
      }
      const now = Date.now();
      // JSON round trip: the cursor the next poll gets is the one the store keeps.
      const stored = answer.cursor === undefined ? undefined : (JSON.parse(JSON.stringify(answer.cursor)) as unknown);
      const ok = await write({
        cursor: stored, lastEvaluatedAt: now, nextPollAt: now + interval, addExecutions: started,
        ...(lastExecutionId ? { lastExecutionId } : {}), ...failures.succeeded(), ...takeRejected(),
      });
      if (!ok) return;
      cursor = stored;
      nextPollAt = now + interval;
      failed = 0;
    } catch (error) {
      if (signal.aborted) return;
      failed++;
      s.metrics.triggerErrors.inc({ mode: 'poll', kind: 'failure' });
      const now = Date.now();
      nextPollAt = now + backoffMs(failed, deps.backoff.baseMs, deps.backoff.maxMs);
      // The store may be what failed: the state is written when it answers, else the backoff goes on.
      const ok = await write({ ...failures.failed(describeFailure(s, error), now), lastEvaluatedAt: now, nextPollAt, ...takeRejected() }).catch(() => true);
      if (!ok) return;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the poll did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
