export { applyTriggerUpdate, emptyTriggerState, inTriggerNamespace, leaseFree, triggerKeyString, withDisabled, withLease, withStarts, withoutLease } from './trigger-state.js';
export {
  backoffMs, executionOfStart, pollDelayMs, prepareTrigger, runnableTriggersOf, triggerExecutionId, triggerKeyOf,
  type PreparedTrigger, type RunnableMode, type RunnableTrigger, type StartOrigin, type TriggerStart,
} from './runnable.js';
export { stopAfterTarget } from './stop-after.js';
export { applyWindowEntry, WINDOW_SEEN_LIMIT, type StoredTriggerWindow, type WindowRecordOutcome } from './trigger-window.js';
