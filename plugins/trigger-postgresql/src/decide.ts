import type { StartDecision } from '@sluice/core';
import { rowsDigest, type Row } from './rows.js';
import type { PostgresVariables } from './postgresql.schema.js';

/** How the rows become `trigger.*`: Kestra's `fetchType` the trigger runs. */
export type FetchType = 'FETCH' | 'FETCH_ONE';

/**
 * What the trigger keeps between polls. Kestra keeps nothing (the query must leave out the rows
 * already handled); this only tells a result from the one before, so the same rows returned
 * again by the next poll (the flow has not marked them yet) start nothing new.
 */
export interface PostgresCursor {
  /** Bumped each time the result changes (new rows, or none after some). */
  readonly epoch: number;
  /** The digest of the last non-empty result, `null` after an empty poll. */
  readonly last: string | null;
}

/** The cursor of a first poll. */
export const FIRST_CURSOR: PostgresCursor = { epoch: 0, last: null };

/** Reads a stored cursor; anything else is a first poll. */
export function readCursor(value: unknown): PostgresCursor {
  const cursor = value as Partial<PostgresCursor> | null | undefined;
  return typeof cursor?.epoch === 'number' && (typeof cursor.last === 'string' || cursor.last === null) ? { epoch: cursor.epoch, last: cursor.last } : FIRST_CURSOR;
}

/**
 * What one poll's rows start. None when there are no rows (as Kestra: only `size > 0` fires) or
 * when they are the rows of the last poll. Otherwise one start, keyed by the result's epoch and
 * digest: a poll the host repeats because its cursor was not stored (a crash) starts the same
 * execution id, which the host stores once.
 */
export function decide(rows: readonly Row[], fetchType: FetchType, cursor: PostgresCursor): { starts: StartDecision<PostgresVariables>[]; cursor: PostgresCursor } {
  const kept = fetchType === 'FETCH_ONE' ? rows.slice(0, 1) : rows;
  if (kept.length === 0) return { starts: [], cursor: cursor.last === null ? cursor : { epoch: cursor.epoch + 1, last: null } };
  const digest = rowsDigest(kept);
  if (digest === cursor.last) return { starts: [], cursor };
  const next = { epoch: cursor.epoch + 1, last: digest };
  const variables: PostgresVariables = fetchType === 'FETCH_ONE' ? { row: kept[0] ?? {}, size: 1 } : { rows: [...kept], size: kept.length };
  return { starts: [{ kind: 'start', variables, key: `${next.epoch}:${digest}` }], cursor: next };
}
