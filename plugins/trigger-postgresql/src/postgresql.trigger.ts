import { defineTrigger } from '@sluice/core';
import { intervalMs, checkProps } from './check.js';
import { resolveTarget } from './connection.js';
import { decide, readCursor } from './decide.js';
import { postgresErrors } from './errors.js';
import { postgresExamples } from './postgresql.examples.js';
import { PostgresTriggerProps, PostgresVariables } from './postgresql.schema.js';
import { runQuery } from './query.js';

/**
 * Kestra's `io.kestra.plugin.jdbc.postgresql.Trigger`: runs a query every `interval` and starts
 * an execution with its rows when it returns any.
 */
export const postgresTrigger = defineTrigger({
  mode: 'poll',
  type: 'io.kestra.plugin.jdbc.postgresql.Trigger',
  title: 'Start a flow when a PostgreSQL query returns rows',
  description:
    'Runs `sql` every `interval` and, when it returns rows, starts one execution with them as `trigger.rows` (or the first as `trigger.row` ' +
    'with `fetchType: FETCH_ONE`) and their count as `trigger.size`. As in Kestra there is no cursor: the query must leave out the rows ' +
    'already handled. The same rows returned by two polls in a row start one execution.',
  props: PostgresTriggerProps,
  variables: PostgresVariables,
  examples: postgresExamples,
  check: checkProps,
  interval: intervalMs,
  async poll(ctx, props, cursor) {
    const target = resolveTarget(props, props.timeZoneId);
    const rows = await runQuery(
      target,
      { sql: props.sql, ...(props.afterSQL === undefined ? {} : { afterSQL: props.afterSQL }), ...(props.parameters === undefined ? {} : { parameters: props.parameters }) },
      ctx.signal,
    );
    // Refused at save; a host that skipped the check still gets no silent FETCH in their place.
    if (props.fetchType === 'STORE' || props.fetchType === 'NONE') throw postgresErrors.PG_FETCH_TYPE_UNSUPPORTED(props.fetchType, 'use FETCH or FETCH_ONE');
    const fetchType = props.fetchType ?? 'FETCH';
    const result = decide(rows, fetchType, readCursor(cursor));
    ctx.logger.debug(`query on ${target.display} returned ${rows.length} row(s); ${result.starts.length === 0 ? 'nothing to start' : 'starting an execution'}`);
    return result;
  },
});
