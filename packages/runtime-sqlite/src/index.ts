/**
 * `@sluice/runtime-sqlite`: the engine's ports on one SQLite file, the durable embedded default.
 */
export { createSqliteRuntime, RETENTION_DEFAULTS, type SqliteRuntime, type SqliteRuntimeOptions } from './sqlite-runtime.js';
export type { RetentionOptions } from './retention.js';
export { DATABASE_FILE, MIN_FREE_BYTES } from './open-database.js';
export { SCHEMA_VERSION } from './schema.js';
export { sqliteErrors } from './errors.js';
