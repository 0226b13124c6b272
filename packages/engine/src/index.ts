/**
 * `@sluice/engine`: flows, plugins, expressions and execution, free of any transport.
 */
export { engineErrors, type EngineErrorCode } from './errors.js';
export * from './model/state.js';
export * from './model/execution.js';
export * from './model/ids.js';
export type * from './flow/flow.types.js';
export type * from './ports/ports.js';
