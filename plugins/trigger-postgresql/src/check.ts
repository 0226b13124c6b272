import { durationMs, type PropsProblem } from '@sluice/core';
import { urlProblems } from './connection.js';
import { postgresErrors } from './errors.js';
import { DEFAULT_INTERVAL, MIN_INTERVAL_MS, type PostgresTriggerProps } from './postgresql.schema.js';
import { sqlProblems } from './sql.js';

const HAS_TEMPLATE = /\{[{%]/;

/**
 * What the schema cannot say about the props as written: the URL's scheme, SQL that PostgreSQL
 * would not parse (skipped where it holds a `{{ }}` template), a fetch type the trigger does not
 * run, an interval that does not parse or is below the minimum, a zone the platform does not know.
 */
export function checkProps(props: PostgresTriggerProps): PropsProblem[] {
  const problems: PropsProblem[] = [];
  const add = (path: string, messages: readonly string[]) => problems.push(...messages.map((message) => ({ path: [path], message })));
  add('url', urlProblems(props.url));
  // When parameters is one template, its names are known only once rendered: the server parses then.
  const parameters: unknown = props.parameters;
  if (typeof parameters !== 'string') {
    const names = new Set(parameters === undefined ? [] : Object.keys(parameters as object));
    add('sql', sqlProblems(props.sql, names));
    if (props.afterSQL !== undefined) add('afterSQL', sqlProblems(props.afterSQL, names));
  }
  if (props.fetchType === 'STORE') add('fetchType', [postgresErrors.PG_FETCH_TYPE_UNSUPPORTED('STORE', 'a trigger cannot write files to internal storage yet; use FETCH or FETCH_ONE').message]);
  if (props.fetchType === 'NONE') add('fetchType', [postgresErrors.PG_FETCH_TYPE_UNSUPPORTED('NONE', 'a trigger that fetches nothing never starts anything; use FETCH or FETCH_ONE').message]);
  add('interval', intervalProblems(props.interval ?? DEFAULT_INTERVAL));
  if (props.timeZoneId !== undefined && !HAS_TEMPLATE.test(props.timeZoneId) && !knownZone(props.timeZoneId)) {
    add('timeZoneId', [`unknown time zone '${props.timeZoneId}': use an IANA zone id such as 'Europe/Paris' or 'Etc/UTC'`]);
  }
  return problems;
}

function intervalProblems(interval: string): string[] {
  const ms = durationMs(interval);
  if (ms === undefined) return [postgresErrors.PG_INTERVAL_INVALID(interval).message];
  return ms < MIN_INTERVAL_MS ? [postgresErrors.PG_INTERVAL_TOO_SHORT(interval, 'PT1S').message] : [];
}

function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Milliseconds between two polls of valid props. */
export function intervalMs(props: Pick<PostgresTriggerProps, 'interval'>): number {
  return Math.max(MIN_INTERVAL_MS, durationMs(props.interval ?? DEFAULT_INTERVAL) ?? 60_000);
}
