import type { ClientConfig } from 'pg';
import { passwordForms } from '@sluice/core';
import { postgresErrors } from './errors.js';

/** Where to connect, as `pg` takes it, and how logs and errors name it. */
export interface PgTarget {
  readonly config: ClientConfig;
  /** `postgresql://host:port/database`, without user or password. */
  readonly display: string;
  /** Strings to blank out of any text that leaves the trigger (the password, raw and URL-encoded). */
  readonly secrets: readonly string[];
}

/** The connection props of the trigger, rendered. */
export interface PgConnectionProps {
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

const SCHEMES = new Set(['jdbc:postgresql:', 'postgresql:', 'postgres:']);
/** The JDBC URL parameters read; any other is refused, so none is silently ignored. */
const URL_PARAMETERS = new Set(['user', 'password']);
const HAS_TEMPLATE = /\{[{%]/;

/** What is wrong with `url` as written; nothing when it holds a template (checked once rendered). */
export function urlProblems(url: string): string[] {
  if (HAS_TEMPLATE.test(url)) return [];
  try {
    parseUrl(url);
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

function parseUrl(text: string): URL {
  const scheme = /^([a-z][a-z0-9+.-]*:)+/i.exec(text)?.[0].toLowerCase();
  if (scheme === undefined) throw postgresErrors.PG_URL_INVALID();
  if (!SCHEMES.has(scheme)) throw postgresErrors.PG_URL_SCHEME(scheme.replace(/:$/, ''));
  let url: URL;
  try {
    // WHATWG URL reads the authority of special schemes only: read it as http.
    url = new URL(`http:${text.slice(scheme.length)}`);
  } catch {
    // The URL is not echoed: it may carry a password.
    throw postgresErrors.PG_URL_INVALID();
  }
  if (url.hostname === '' || url.pathname.replace(/^\//, '') === '') throw postgresErrors.PG_URL_INVALID();
  for (const name of url.searchParams.keys()) {
    if (!URL_PARAMETERS.has(name)) throw postgresErrors.PG_URL_PARAMETER(name);
  }
  return url;
}

/**
 * The connection target of rendered props: `username` and `password` win over the URL's. Throws
 * the save-time errors when a rendered `url` is not a PostgreSQL URL (never echoing it).
 */
export function resolveTarget(props: PgConnectionProps, timeZone: string | undefined): PgTarget {
  const url = parseUrl(props.url);
  const password = props.password ?? (url.searchParams.get('password') ?? (decodeURIComponent(url.password) || undefined));
  const user = props.username ?? (url.searchParams.get('user') ?? (decodeURIComponent(url.username) || undefined));
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const port = url.port === '' ? 5432 : Number(url.port);
  const config: ClientConfig = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    database,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    connectionTimeoutMillis: 10_000,
    application_name: 'sluice-trigger',
    // The session's zone is what timestamptz values are written in (Kestra's timeZoneId).
    ...(timeZone === undefined ? {} : { options: `-c TimeZone=${timeZone}` }),
  };
  const secrets = passwordForms(password);
  return { config, display: `postgresql://${url.host}/${encodeURIComponent(database)}`, secrets };
}

