export { createExecutor, type Executor, type ExecutorDeps } from './executor.js';
export { guessFinalState, failedState } from './final-state.js';
export { resumeExecution, type ResumeInput, type ResumeResult } from './resume.js';
export { resumePaused, type ResumePausedResult } from './resume-paused.js';
export { taskIndex, type TaskIndex } from './flow-tree.js';
export { admissionOf, needsSlot, releaseIfEnded, releaseSlot, type Admission, type SlotDeps } from './concurrency.js';
export { MAX_SUBFLOW_DEPTH, SUBFLOW_TRIGGER_TYPE } from './subflow.js';
