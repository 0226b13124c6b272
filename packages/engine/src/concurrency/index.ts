export { applyAcquire, applyRelease, slotsOf, slotsEmpty, type QueuedSlot, type StoredFlowSlots, type SlotStep } from './slots.js';
