import { isSluiceError } from '@sluice/core';
import { postgresErrors } from './errors.js';
import { parseStatements, scanTokens } from './pg-parser.js';

// PostgreSQL's own parser and scanner (pg-parser.ts): what they refuse, the server refuses.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HAS_TEMPLATE = /\{[{%]/;

/** A query with Kestra's `:name` placeholders turned into `$1`, `$2` ..., and the names in order. */
export interface BoundQuery {
  readonly text: string;
  readonly names: readonly string[];
  /** True when the scanner refused the statement (an unterminated quoted string, say): nothing was bound. */
  readonly unscanned?: true;
}

/**
 * Replaces each `:name` placeholder (a `:` right before a name, outside strings, comments and
 * `::` casts, as PostgreSQL's own scanner tells them) whose name is in `known` by `$n`, padded
 * so offsets in the query stay where they were. Other `:name` are left for the parser to refuse.
 */
export function bindParameters(sql: string, known: ReadonlySet<string>): BoundQuery {
  if (known.size === 0) return { text: sql, names: [] };
  const scanned = scanTokens(sql);
  // Left as written: the parser (at save) or PostgreSQL (at a poll) refuses it, with its place.
  if (!scanned.ok) return { text: sql, names: [], unscanned: true };
  const tokens = scanned.tokens;
  const names: string[] = [];
  let text = '';
  let from = 0;
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    if (token.text !== ':' || next === undefined || next.start !== token.end || !IDENTIFIER.test(next.text) || !known.has(next.text)) return;
    let position = names.indexOf(next.text) + 1;
    if (position === 0) position = names.push(next.text);
    const placeholder = `$${position}`;
    text += sql.slice(from, token.start) + placeholder.padEnd(next.end - token.start, ' ');
    from = next.end;
  });
  return { text: text + sql.slice(from), names };
}

/**
 * What is wrong with one statement of the trigger as written, for the save-time check; nothing
 * when it holds a `{{ }}` template (it is parsed only once rendered, by the server).
 */
export function sqlProblems(sql: string, parameters: ReadonlySet<string>): string[] {
  if (HAS_TEMPLATE.test(sql)) return [];
  let bound: BoundQuery;
  let outcome: ReturnType<typeof parseStatements>;
  try {
    bound = bindParameters(sql, parameters);
    outcome = parseStatements(bound.text);
  } catch (error) {
    // The parser could not answer: the SQL is not known to be valid, so it is not taken as such.
    if (isSluiceError(error, 'PG_PARSER_UNAVAILABLE')) return [error.message];
    throw error;
  }
  if (outcome.ok) return outcome.statements === 1 ? [] : [postgresErrors.PG_SQL_NOT_ONE(outcome.statements).message];
  const offset = outcome.cursorPosition ?? 0;
  const before = sql.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  const placeholder = !/^syntax error at or near ":"/.test(outcome.message)
    ? ''
    : bound.unscanned
      ? " (its :name placeholders could not be bound: PostgreSQL's scanner refused the statement, as it does an unterminated quoted string or comment)"
      : ' (a :name placeholder needs its value in parameters)';
  return [postgresErrors.PG_SQL_INVALID(`${outcome.message}${placeholder}`, line, column).message];
}
