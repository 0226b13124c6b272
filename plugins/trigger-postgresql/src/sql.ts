import { loadModule, parseSync, scanSync } from 'libpg-query';
import { postgresErrors } from './errors.js';

// PostgreSQL's own parser, compiled to WebAssembly: what it refuses, the server refuses. Loaded
// once, when the plugin is imported, so the save-time check can stay synchronous.
await loadModule();

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HAS_TEMPLATE = /\{[{%]/;

/** A query with Kestra's `:name` placeholders turned into `$1`, `$2` ..., and the names in order. */
export interface BoundQuery {
  readonly text: string;
  readonly names: readonly string[];
}

/**
 * Replaces each `:name` placeholder (a `:` right before a name, outside strings, comments and
 * `::` casts, as PostgreSQL's own scanner tells them) whose name is in `known` by `$n`, padded
 * so offsets in the query stay where they were. Other `:name` are left for the parser to refuse.
 */
export function bindParameters(sql: string, known: ReadonlySet<string>): BoundQuery {
  if (known.size === 0) return { text: sql, names: [] };
  const tokens = scanSync(sql).tokens;
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
  const bound = bindParameters(sql, parameters);
  try {
    const count = parseSync(bound.text).stmts?.length ?? 0;
    return count === 1 ? [] : [postgresErrors.PG_SQL_NOT_ONE(count).message];
  } catch (error) {
    const details = (error as { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
    const offset = details?.cursorPosition ?? 0;
    const before = sql.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    const placeholder = /^syntax error at or near ":"/.test(details?.message ?? '') ? ' (a :name placeholder needs its value in parameters)' : '';
    return [postgresErrors.PG_SQL_INVALID(`${details?.message ?? String(error)}${placeholder}`, line, column).message];
  }
}
