import { redactSecrets } from '@sluice/core';
import type { PgTarget } from './connection.js';
import { postgresErrors } from './errors.js';
import { jsonRow, rowTypes, type Row } from './rows.js';
import { loadPg } from './pg-module.js';
import { bindParameters } from './sql.js';

/** One poll's statements and their parameters, rendered. */
export interface PollQuery {
  readonly sql: string;
  readonly afterSQL?: string;
  readonly parameters?: Readonly<Record<string, string | number | boolean | null>>;
}

/**
 * Runs `sql` (then `afterSQL`, in one transaction, as Kestra) on a connection of its own, closed
 * before it returns, and gives the rows. `signal` cancels: the connection is closed, which ends
 * the query on the server. Throws `PG_QUERY_FAILED` naming the database, never the password.
 */
export async function runQuery(target: PgTarget, query: PollQuery, signal: AbortSignal): Promise<Row[]> {
  const pg = await loadPg();
  const client = new pg.Client({ ...target.config, types: rowTypes(pg.types) });
  // A connection that dies between queries emits 'error'; the awaited query reports it.
  client.on('error', () => undefined);
  const abort = () => void client.end().catch(() => undefined);
  signal.addEventListener('abort', abort, { once: true });
  try {
    signal.throwIfAborted();
    await client.connect();
    const parameters = query.parameters ?? {};
    const known = new Set(Object.keys(parameters));
    const run = async (text: string) => {
      const bound = bindParameters(text, known);
      return client.query<Row>(bound.text, bound.names.map((name) => parameters[name]));
    };
    if (query.afterSQL === undefined) return (await run(query.sql)).rows.map(jsonRow);
    await client.query('BEGIN');
    const rows = (await run(query.sql)).rows.map(jsonRow);
    await run(query.afterSQL);
    await client.query('COMMIT');
    return rows;
  } catch (error) {
    const reason = signal.aborted ? 'the poll was cancelled' : redactSecrets(error instanceof Error ? error.message : String(error), target.secrets);
    throw postgresErrors.PG_QUERY_FAILED(target.display, reason);
  } finally {
    signal.removeEventListener('abort', abort);
    await client.end().catch(() => undefined);
  }
}
