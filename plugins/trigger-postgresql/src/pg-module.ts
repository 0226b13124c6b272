import type pg from 'pg';

let loaded: Promise<typeof pg> | undefined;

/**
 * node-postgres, imported on the first poll: it added about a quarter of a second and 15 MB of
 * memory to every server start, for installations that may have no PostgreSQL trigger at all.
 */
export function loadPg(): Promise<typeof pg> {
  return (loaded ??= import('pg').then((module) => module.default));
}
