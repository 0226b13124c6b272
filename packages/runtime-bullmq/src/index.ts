/**
 * `@sluice/runtime-bullmq`: the engine's ports on BullMQ and Redis. See README.md for the key
 * layout, retention defaults and connection choices.
 */
export { createBullmqRuntime } from './runtime.js';
export {
  DEFAULTS,
  type BullmqConnectionOptions,
  type BullmqQueueOptions,
  type BullmqRetentionOptions,
  type BullmqRuntimeOptions,
  type BullmqRuntimeRole,
} from './options.js';
export { createKeys, type Keys } from './keys.js';
