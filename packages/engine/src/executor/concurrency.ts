import type { FlowConcurrency, FlowRevision } from '../flow/flow.types.js';
import type { Execution, LogEntry } from '../model/execution.js';
import { isTerminated, withState, type StateType } from '../model/state.js';
import type { ConcurrencyLimits, ExecutionQueue, FlowKey, FlowRepository, PromotedSlot, SlotAdmission } from '../ports/ports.js';

/**
 * Kestra's flow `concurrency`, around the executor: an execution about to start asks the
 * runtime's {@link ConcurrencyLimits} for a slot, and one that ended gives it back. The rules of
 * the slots are the port's (`concurrency/slots.ts`); what an answer does to an execution is
 * {@link admissionOf}; this file does the calls and queues the executions a freed slot promoted.
 */

/** What the executor does with an execution that asked for a slot. */
export type Admission =
  /** It holds a slot: run it. */
  | { readonly kind: 'run' }
  /** It waits in line: store `execution` (QUEUED) with `logs`, or nothing when it was QUEUED already, and stop. */
  | { readonly kind: 'queued'; readonly execution?: Execution; readonly logs: readonly LogEntry[] }
  /** Refused: end it in `state` (CANCELLED or FAILED) with `logs`. */
  | { readonly kind: 'ended'; readonly state: StateType; readonly logs: readonly LogEntry[] };

/**
 * True when the execution must hold a slot before it runs: it has not started (CREATED), waits in
 * line (QUEUED), or runs again (RESTARTED: a restart after its end asks anew; a resumed pause
 * still holds its slot, and asking again confirms it).
 */
export function needsSlot(execution: Execution): boolean {
  const state = execution.state.current;
  return state === 'CREATED' || state === 'QUEUED' || state === 'RESTARTED';
}

function logLine(execution: Execution, now: Date, level: LogEntry['level'], message: string): LogEntry {
  return {
    tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id,
    timestamp: now.toISOString(), level, message,
  };
}

/** What an answer of the port means for `execution`, pure. Kestra's messages, with the limit added. */
export function admissionOf(execution: Execution, concurrency: FlowConcurrency, answer: SlotAdmission, now: Date): Admission {
  if (answer.outcome === 'running') return { kind: 'run' };
  const line = (level: LogEntry['level'], message: string): LogEntry => logLine(execution, now, level, message);
  const counted = `${answer.running} running(s), limit ${concurrency.limit}`;
  if (answer.outcome === 'queued') {
    if (execution.state.current === 'QUEUED') return { kind: 'queued', logs: [] };
    return {
      kind: 'queued',
      execution: { ...execution, state: withState(execution.state, 'QUEUED', now) },
      logs: [line('INFO', `Flow is queued due to concurrency limit exceeded, ${counted}`)],
    };
  }
  if (concurrency.behavior === 'FAIL') {
    return { kind: 'ended', state: 'FAILED', logs: [line('ERROR', `Flow is FAILED due to concurrency limit exceeded, ${counted}`)] };
  }
  return { kind: 'ended', state: 'CANCELLED', logs: [line('INFO', `Flow is CANCELLED due to concurrency limit exceeded, ${counted}`)] };
}

/** The ports the slots need: the limits themselves, and the queue to start a promoted execution. */
export interface SlotDeps {
  readonly concurrency?: ConcurrencyLimits;
  readonly queue: Pick<ExecutionQueue, 'enqueue'>;
}

const flowKeyOf = (execution: Execution): FlowKey => ({ tenantId: execution.tenantId, namespace: execution.namespace, id: execution.flowId });

/**
 * Queues the job of each promoted execution, dated by when it joined the line: queueing the same
 * promotion twice (every answer lists it until its job confirms it) runs it once.
 */
async function startPromoted(deps: SlotDeps, promoted: readonly PromotedSlot[]): Promise<void> {
  for (const slot of promoted) await deps.queue.enqueue(slot.executionId, { at: new Date(slot.queuedAt) });
}

/**
 * Asks for the execution's slot under its revision's `concurrency` (absent: it runs). The
 * promotions the answer lists are queued before it returns, so a crash before that is repaired
 * by the next call on the flow.
 */
export async function admit(deps: SlotDeps, flow: Pick<FlowRevision, 'concurrency'>, execution: Execution, now: Date): Promise<Admission> {
  const concurrency = flow.concurrency;
  if (concurrency === undefined || !needsSlot(execution)) return { kind: 'run' };
  if (deps.concurrency === undefined) {
    // A limit no store counts is refused, never run unlimited (a host built without the port).
    const message = `Flow is FAILED: it has a concurrency limit of ${concurrency.limit} and this host keeps no concurrency slots`;
    return { kind: 'ended', state: 'FAILED', logs: [logLine(execution, now, 'ERROR', message)] };
  }
  const answer = await deps.concurrency.acquire(flowKeyOf(execution), execution.id, {
    limit: concurrency.limit, queue: concurrency.behavior === 'QUEUE', at: now.getTime(),
  });
  await startPromoted(deps, answer.promoted);
  return admissionOf(execution, concurrency, answer, now);
}

/**
 * Gives back the slot (or the place in line) of an execution that ended or is deleted, and starts
 * what that promoted. Idempotent: a job delivered again after a crash releases again, which
 * changes nothing but queues again a promotion whose job may have been lost.
 */
export async function releaseSlot(deps: SlotDeps, execution: Execution): Promise<void> {
  // Without the port nothing was acquired (admit failed the execution): nothing to give back.
  if (deps.concurrency === undefined) return;
  const { promoted } = await deps.concurrency.release(flowKeyOf(execution), execution.id);
  await startPromoted(deps, promoted);
}

/**
 * Releases the slot of `execution` if it has ended and its revision has a `concurrency` (read
 * when not given). Called by the executor with every execution it returns ended, including one
 * it found ended (a job delivered again after a crash between the end's save and the release).
 */
export async function releaseIfEnded(deps: SlotDeps & { readonly flows: Pick<FlowRepository, 'getRevision'> }, execution: Execution, flow?: Pick<FlowRevision, 'concurrency' | 'revision'>): Promise<Execution> {
  if (!isTerminated(execution.state.current)) return execution;
  const revision = flow?.revision === execution.flowRevision ? flow : await deps.flows.getRevision(flowKeyOf(execution), execution.flowRevision);
  if (revision?.concurrency !== undefined) await releaseSlot(deps, execution);
  return execution;
}
