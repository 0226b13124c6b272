/**
 * `@sluice/plugin-trigger-postgresql`: Kestra's `io.kestra.plugin.jdbc.postgresql.Trigger`, a
 * query polled through `pg`, its SQL checked at save by PostgreSQL's own parser (libpg-query).
 *
 * @packageDocumentation
 */
import { definePluginPackage } from '@sluice/core';
import { postgresTrigger } from './postgresql.trigger.js';

export { postgresTrigger } from './postgresql.trigger.js';
export { PostgresTriggerProps, PostgresVariables, DEFAULT_INTERVAL, MIN_INTERVAL_MS } from './postgresql.schema.js';
export { decide, readCursor, FIRST_CURSOR, type PostgresCursor, type FetchType } from './decide.js';
export { postgresErrors } from './errors.js';

export default definePluginPackage({ triggers: [postgresTrigger] });
