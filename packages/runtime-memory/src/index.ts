/**
 * `@sluice/runtime-memory`: the engine's ports in process, the embedded default runtime.
 */
export { createMemoryRuntime, type MemoryRuntimeOptions } from './memory-runtime.js';
