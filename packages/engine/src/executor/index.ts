export { createExecutor, type Executor, type ExecutorDeps } from './executor.js';
export { guessFinalState, failedState } from './final-state.js';
export { taskIndex, type TaskIndex } from './flow-tree.js';
