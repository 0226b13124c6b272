import { defineErrorCatalog } from '@sluice/core';

/**
 * The codes the PostgreSQL trigger raises. The `*_INVALID`, `*_SCHEME`, `*_UNSUPPORTED` and
 * `*_INTERVAL` codes refuse a flow at save, at the YAML line of the prop; `PG_QUERY_FAILED` is
 * what a poll throws (the host records it and backs off).
 */
export const postgresErrors = defineErrorCatalog({
  PG_URL_SCHEME: (scheme: string) => `unsupported URL scheme '${scheme}': use jdbc:postgresql://host[:port]/database (or postgresql://)`,
  PG_URL_INVALID: () => 'not a URL: write jdbc:postgresql://host[:port]/database',
  PG_URL_PARAMETER: (name: string) => `URL parameter '${name}' is not supported; only user and password are read from the URL`,
  PG_SQL_INVALID: (reason: string, line: number, column: number) => `invalid SQL at line ${line}, column ${column} of the query: ${reason}`,
  PG_SQL_NOT_ONE: (count: number) => `must hold exactly one SQL statement, found ${count}`,
  PG_FETCH_TYPE_UNSUPPORTED: (fetchType: string, reason: string) => `fetchType ${fetchType} is not supported on the trigger: ${reason}`,
  PG_INTERVAL_TOO_SHORT: (interval: string, minimum: string) => `interval ${interval} is below the minimum of ${minimum}`,
  PG_INTERVAL_INVALID: (interval: string) => `interval '${interval}' is not an ISO-8601 duration such as PT60S`,
  /** PostgreSQL's parser (run in a worker thread) did not answer: the SQL could not be checked. */
  PG_PARSER_UNAVAILABLE: (reason: string) => `PostgreSQL's parser could not check the SQL: ${reason}`,
  PG_PARAMETER_MISSING: (name: string) => `the query names :${name}, which parameters does not give`,
  /** A poll that failed: connection, login or query. The password never appears in it. */
  PG_QUERY_FAILED: (target: string, reason: string) => `PostgreSQL query on ${target} failed: ${reason}`,
});
