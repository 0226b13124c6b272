export { applyTriggerUpdate, emptyTriggerState, inTriggerNamespace, leaseFree, triggerKeyString, withLease, withoutLease } from './trigger-state.js';
