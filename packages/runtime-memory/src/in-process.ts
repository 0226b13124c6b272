/**
 * `@sluice/runtime-memory/in-process`: the pieces of a runtime that live in its one process
 * whatever it stores in (the guard, the event bus), shared with the SQLite runtime so both
 * behave as one.
 */
export { createGuard, type Guard } from './guard.js';
export { createEventBus, type InProcessEventBus } from './event-bus.js';
export { createDelayedJobs, type DelayedJobs } from './delayed-jobs.js';
export { createJobPool, type JobPool, type JobPoolOptions, type JobStatus } from './job-pool.js';
export { chainStart, isBuried, storedOf, tickOf } from './schedule-chain.js';
export { createScheduleTimers, type ClockEntry, type ScheduleTimers, type ScheduleTimersOptions } from './schedule-clock.js';
export { createFlowChanges, type FlowChanges } from './flow-changes.js';
export { inNamespace } from './flow-store.js';
export { createKvStore } from './kv-store.js';
