import { isSluiceError } from '@sluice/core';
import { engineErrors, withState, type Execution } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';

type Deps = Pick<ServerContext, 'runtime' | 'logger'>;

/** How often a submit whose connection dropped looks whether the store is back. */
const RECONNECT_POLL_MS = 50;
/**
 * How long after its arrival a call whose submit lost its reply may still wait for the store to
 * come back and retry: long enough for a Redis restarted at once and the client's first
 * reconnection attempts (100 and 300 ms), short enough that a call caught by an outage is still
 * answered within a second. Past it the call answers 503 at once.
 */
const RETRY_WINDOW_MS = 750;

/** When a call must have been answered, and until when it may wait for a retry. */
export interface StoreDeadlines {
  /** Epoch ms: the call rejects with `RUNTIME_UNAVAILABLE` then, whatever the store does. */
  readonly deadline: number;
  /** Epoch ms: past it, a submit that lost its reply is not retried. */
  readonly retryUntil: number;
}

/** The deadlines of a call whose request arrived (whole) at `arrivedAt`, given the store timeout. */
export function storeDeadlines(arrivedAt: number, timeoutMs: number): StoreDeadlines {
  return { deadline: arrivedAt + timeoutMs, retryUntil: arrivedAt + Math.min(timeoutMs, RETRY_WINDOW_MS) };
}

/**
 * Stores a new execution, then queues it: what every route that starts a flow does before it
 * answers, so nothing is acknowledged before it is persisted and queued. The runtime does both
 * in one step (`Runtime.submit`: one round trip on Redis, the execution stored first).
 *
 * One deadline covers the whole path, retries and clean-up included: at `deadline` the call rejects with `RUNTIME_UNAVAILABLE` whatever the store does, so a caller is answered
 * 503 in bounded time even when Redis hangs with its socket open (a command timeout per call
 * let two of them add up).
 *
 * A submit whose reply was lost (the connection dropped with its commands sent: the runtime says
 * so with `details.replyLost`) is sent again, once, if the store answers again while the call
 * is young (`retryUntil`, 750 ms after its arrival by default). A submit refused because the store was already known
 * to be down sent nothing and is answered 503 at once. Its first attempt may have been stored
 * already: a retry that finds the id taken reads the stored execution, and when it is the one
 * this call created (see {@link sameCreation}) the submit succeeded after all (the job is
 * queued by the retry either way, its id being the execution's). A duplicate on the first
 * attempt is somebody else's execution and is rethrown as it is.
 *
 * When the submit fails otherwise, or the deadline passes, the route answers 503: the caller
 * was told it failed and will retry, so this execution must not run as well. It is cancelled by
 * a save conditional on the store still holding exactly what the submit stored, sent at once
 * on the same connection, so Redis applies it after the submit's own commands even when their
 * replies never came: a stored execution becomes CANCELLED with a log line saying why, and one
 * never stored stays absent. Nothing waits for that save past the deadline. If the store does
 * not take it either, an execution that was stored stays CREATED: nothing ever queues a CREATED
 * execution, so it never runs, and it expires with the retention like any other. The worker
 * runs nothing that is CANCELLED, so even a job that reached Redis although the submit reported
 * a failure does not run it, unless a worker started it in the moment between the two.
 */
export async function storeAndQueue(s: Deps, execution: Execution, { deadline, retryUntil }: StoreDeadlines): Promise<void> {
  let retried = false;
  for (;;) {
    let failure: unknown;
    try {
      await beforeDeadline(s.runtime.submit(execution), deadline, 'submit execution');
      return;
    } catch (error) {
      failure = error;
    }
    if (isSluiceError(failure, 'RUNTIME_DUPLICATE_EXECUTION')) {
      // A duplicate id on the first attempt is somebody else's execution: never cancel it. On
      // the retry it may be this call's own, stored by the attempt whose reply was lost (the
      // duplicate's submit queued the job all the same, as the port promises).
      if (!retried) throw failure;
      try {
        if (await storedByThisCall(s, execution, deadline)) {
          s.logger.info({ executionId: execution.id }, `execution ${execution.id}: stored by a first attempt whose reply was lost; the retry found it and answers it`);
          return;
        }
      } catch (error) {
        failure = error;
      }
      if (isSluiceError(failure, 'RUNTIME_DUPLICATE_EXECUTION')) throw failure;
    }
    // One retry, and only of a submit that left and lost its reply (a store known to be down
    // took nothing: 503 at once), once the store answers again: enough for a restart, and no
    // loop against a store that answers pings but refuses writes.
    if (!retried && replyLost(failure) && await storeBack(s, Math.min(deadline, retryUntil))) {
      retried = true;
      continue;
    }
    await beforeDeadline(abandon(s, execution, failure), deadline, 'cancel execution').catch(() => undefined);
    throw failure;
  }
}

/**
 * True when `stored` is the execution `created` was when this process created it, though
 * workers may have moved it on since: the same id, creation date and trigger, flow revision and
 * inputs. Execution ids are random per creation, so the id alone nearly says it; the rest
 * keeps a caller-chosen id (a schedule tick made by two webservers) from passing for another's.
 */
export function sameCreation(stored: Execution, created: Execution): boolean {
  return stored.id === created.id
    && stored.flowRevision === created.flowRevision
    && JSON.stringify(stored.state.histories[0]) === JSON.stringify(created.state.histories[0])
    && JSON.stringify(stored.trigger ?? null) === JSON.stringify(created.trigger ?? null)
    && JSON.stringify(stored.inputs) === JSON.stringify(created.inputs);
}

async function storedByThisCall(s: Deps, execution: Execution, deadline: number): Promise<boolean> {
  const stored = await beforeDeadline(s.runtime.executions.get(execution.id), deadline, 'read execution back');
  return stored !== undefined && sameCreation(stored, execution);
}

/** Waits until the store answers a ping; false if `until` (epoch ms) comes first. */
async function storeBack(s: Deps, until: number): Promise<boolean> {
  while (Date.now() < until) {
    try {
      await beforeDeadline(s.runtime.ping(), until, 'ping');
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, Math.min(RECONNECT_POLL_MS, Math.max(0, until - Date.now()))));
    }
  }
  return false;
}

/** The rejection of a call that outlived the deadline: its commands may still be pending. */
const TIMED_OUT = 'no answer before the deadline';

/** A store failure whose commands had left when the connection dropped: they may have been applied. */
function replyLost(error: unknown): boolean {
  return isSluiceError(error, 'RUNTIME_UNAVAILABLE') && error.details.replyLost === true;
}

/** Settles like `promise`, or rejects with `RUNTIME_UNAVAILABLE` at `deadline`; `promise` runs on. */
function beforeDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  // One promise and one timer, settled by whichever comes first: Promise.race with a second
  // promise and a finally made three more promises per call, on every webhook.
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(engineErrors.RUNTIME_UNAVAILABLE(`${what}: ${TIMED_OUT}`, { retryable: true })), Math.max(0, deadline - Date.now()));
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error: unknown) => { clearTimeout(timer); reject(error); },
    );
  });
}

async function abandon(s: Deps, execution: Execution, cause: unknown): Promise<void> {
  const reason = cause instanceof Error ? cause.message : String(cause);
  const line = `not queued (${reason}): the caller was answered 503, so this execution will not run`;
  const now = new Date();
  const cancelled: Execution = { ...execution, state: withState(execution.state, 'CANCELLED', now) };
  const entry = {
    tenantId: execution.tenantId, namespace: execution.namespace, flowId: execution.flowId, executionId: execution.id,
    timestamp: now.toISOString(), level: 'ERROR' as const, message: line,
  };
  try {
    // Conditional on the store holding what the submit stored: a no-op if it was never stored,
    // and never a step back for one a worker already took.
    await s.runtime.executions.save(cancelled, { expected: execution, logs: [entry] });
    s.logger.warn({ executionId: execution.id, state: 'CANCELLED' }, `execution ${execution.id} ${line}`);
  } catch (error) {
    if (isSluiceError(error, 'RUNTIME_EXECUTION_CHANGED')) {
      s.logger.warn({ executionId: execution.id }, `execution ${execution.id} ${line}; it was not stored, or a worker had taken it`);
      return;
    }
    s.logger.warn({ executionId: execution.id, state: 'CREATED', err: { message: error instanceof Error ? error.message : String(error) } },
      `execution ${execution.id} ${line}; the cancel is not confirmed: if it was stored it stays CREATED, which is never queued`);
  }
}
