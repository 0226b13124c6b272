export { createExecutor, type Executor, type ExecutorDeps } from './executor.js';
export { guessFinalState, failedState } from './final-state.js';
