import type { TriggerDisabledBy, TriggerKey, TriggerStartsNote, TriggerState, TriggerStateUpdate } from '../ports/ports.js';

/**
 * The pure rules of {@link TriggerStateRepository}, shared by the runtimes that keep a trigger's
 * state as one value (memory, SQLite); the Redis runtime applies the same rules in Lua.
 */

/** A trigger's state before anything happened to it. */
export function emptyTriggerState(key: TriggerKey, now: number): TriggerState {
  return { key: { ...key }, executions: 0, errors: 0, rejected: 0, disabled: false, updatedAt: now };
}

/** True when `holder` may take the lease: free, expired, or already its own. */
export function leaseFree(state: TriggerState | undefined, holder: string, now: number): boolean {
  return !state?.holder || state.holder === holder || (state.leaseUntil ?? 0) <= now;
}

/** `state` with its lease taken or renewed by `holder` until `now + ttlMs`. */
export function withLease(state: TriggerState, holder: string, ttlMs: number, now: number): TriggerState {
  return { ...state, holder, leaseUntil: now + ttlMs, updatedAt: now };
}

/** `state` without a lease. */
export function withoutLease(state: TriggerState, now: number): TriggerState {
  const { holder: _holder, leaseUntil: _until, ...rest } = state;
  return { ...rest, updatedAt: now };
}

/** `state` with `update` applied (the fence, whether the writer holds the lease, is the caller's). */
export function applyTriggerUpdate(state: TriggerState, update: TriggerStateUpdate, now: number): TriggerState {
  const next: { -readonly [K in keyof TriggerState]: TriggerState[K] } = { ...state, updatedAt: now };
  if ('cursor' in update) next.cursor = update.cursor;
  if (update.lastEvaluatedAt !== undefined) next.lastEvaluatedAt = update.lastEvaluatedAt;
  if (update.nextPollAt !== undefined) next.nextPollAt = update.nextPollAt;
  if (update.lastExecutionId !== undefined) next.lastExecutionId = update.lastExecutionId;
  if (update.lastError === null) delete next.lastError;
  else if (update.lastError !== undefined) next.lastError = { message: update.lastError.message, at: update.lastError.at };
  next.executions = state.executions + (update.addExecutions ?? 0);
  next.errors = state.errors + (update.addErrors ?? 0);
  // States stored before `rejected` existed have none.
  next.rejected = (state.rejected ?? 0) + (update.addRejected ?? 0);
  return next;
}

/** `state` with a note of started executions applied (newest wins for the last one). */
export function withStarts(state: TriggerState, note: TriggerStartsNote, now: number): TriggerState {
  const newer = state.lastEvaluatedAt === undefined || note.at >= state.lastEvaluatedAt;
  return {
    ...state,
    rejected: state.rejected ?? 0,
    executions: state.executions + note.count,
    ...(newer ? { lastExecutionId: note.lastExecutionId, lastEvaluatedAt: note.at } : {}),
    updatedAt: now,
  };
}

/** `state` with the API's flag set: `by` kept while disabled, dropped when enabled. */
export function withDisabled(state: TriggerState, disabled: boolean, by: TriggerDisabledBy | undefined, now: number): TriggerState {
  const { disabledBy: _was, ...rest } = state;
  return { ...rest, rejected: state.rejected ?? 0, disabled, ...(disabled && by ? { disabledBy: { ...by } } : {}), updatedAt: now };
}

/** One string per trigger, ordered like the key's parts, for maps and sorting. */
export function triggerKeyString(key: TriggerKey): string {
  return JSON.stringify([key.tenantId, key.namespace, key.flowId, key.triggerId]);
}

/** `namespace` itself or one of its children (`company` holds `company.team`, not `companyx`). */
export function inTriggerNamespace(namespace: string, prefix: string | undefined): boolean {
  return prefix === undefined || prefix === '' || namespace === prefix || namespace.startsWith(`${prefix}.`);
}
