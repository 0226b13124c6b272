/** `@sluice/server`: start a Sluice process from code (the `sluice` command wraps it). */
export { startServer, type StartOptions, type RunningServer } from './start-server.js';
export { loadConfig, publicUrl } from './config/load-config.js';
export { ConfigSchema, type Config } from './config/config.schema.js';
export type { Role } from './runtime/select-runtime.js';
