/**
 * `@sluice/engine`: flows, plugins, expressions and execution, free of any transport.
 * See ARCHITECTURE.md for the modules and their contracts.
 */
export { engineErrors, type EngineErrorCode } from './errors.js';
export * from './model/state.js';
export * from './model/execution.js';
export * from './model/ids.js';
export type * from './flow/flow.types.js';
export type * from './ports/ports.js';
export { checkSaveLogs } from './ports/check-save-logs.js';
export * from './expression/index.js';
export * from './plugins/index.js';
export * from './flow/index.js';
export * from './execution/index.js';
export * from './webhook/index.js';
export * from './executor/index.js';
export * from './secrets/index.js';
export * from './schedule/index.js';
export * from './support/index.js';
export { createKvAccess, KV_MAX_VALUE_BYTES } from './kv/kv-access.js';
export * from './flow-trigger/index.js';
export * from './triggers/index.js';
export * from './storage/index.js';
export * from './concurrency/index.js';
