/**
 * PostgreSQL's own parser and scanner (libpg-query, compiled to WebAssembly), run in a worker
 * thread started the first time a statement is checked or bound.
 *
 * Importing libpg-query instantiates its WebAssembly at once: about 18 MB of resident memory and
 * 136 MB of reserved WebAssembly memory in every process that loads this plugin package, which
 * the server does in every role, whether or not any flow has a PostgreSQL trigger (the
 * webserver's peak under ingestion was 166 MB with it, 148 MB without). A plugin's `check` is
 * synchronous, so a call here blocks until the worker answers (`createSyncWorker`), bounded in
 * time; a worker that does not answer is stopped and the next call starts a fresh one.
 */
import { createRequire } from 'node:module';
import { createSyncWorker, type SyncWorker } from '@sluice/core';
import { postgresErrors } from './errors.js';

/** Bounds of the parser's worker. */
export const PARSER_LIMITS = Object.freeze({
  /** Longest the worker may take to start and load the parser, on the first call after a (re)start. */
  startMs: 15_000,
  /** Longest one parse or scan may take. */
  callMs: 5_000,
});

/** One token of a scanned statement: its text and where it stands in the statement, as libpg-query gives them. */
export interface ScannedToken {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Why PostgreSQL's parser refused a statement: its message and the offset it points at. */
export interface ParserRefusal {
  readonly message: string;
  readonly cursorPosition?: number;
}

/** A parse: the count of statements, or the parser's refusal. */
export type ParseOutcome = { readonly ok: true; readonly statements: number } | ({ readonly ok: false } & ParserRefusal);

// In the worker (see createSyncWorker): libpg-query loaded, each request parsed or scanned.
const SETUP = `({ parserPath }) => {
  const parser = require(parserPath);
  const refusal = (error) => {
    const details = error && error.sqlDetails;
    return { message: details && details.message !== undefined ? String(details.message) : String(error), cursorPosition: details ? details.cursorPosition : undefined };
  };
  return parser.loadModule().then(() => ({ op, sql }) => {
    try {
      if (op === 'scan') return { tokens: parser.scanSync(sql).tokens.map((t) => ({ start: t.start, end: t.end, text: t.text })) };
      return { statements: (parser.parseSync(sql).stmts || []).length };
    } catch (error) {
      return { refused: refusal(error) };
    }
  });
}`;

/** What the worker answers. */
interface WorkerReply {
  readonly statements?: number;
  readonly tokens?: ScannedToken[];
  readonly refused?: ParserRefusal;
}

let worker: SyncWorker<{ readonly op: 'parse' | 'scan'; readonly sql: string }, WorkerReply> | undefined;

/** Sends one request and waits for its reply; throws `PG_PARSER_UNAVAILABLE` when there is none in time. */
function call(request: { readonly op: 'parse' | 'scan'; readonly sql: string }): WorkerReply {
  worker ??= createSyncWorker({ setup: SETUP, data: { parserPath: createRequire(import.meta.url).resolve('libpg-query') }, startMs: PARSER_LIMITS.startMs });
  const answer = worker.call(request, PARSER_LIMITS.callMs);
  if (answer.ok) return answer.reply;
  switch (answer.reason) {
    case 'start': throw postgresErrors.PG_PARSER_UNAVAILABLE(`it could not be started within ${PARSER_LIMITS.startMs} ms`);
    case 'timeout': throw postgresErrors.PG_PARSER_UNAVAILABLE(`it ran longer than ${PARSER_LIMITS.callMs} ms`);
    case 'gone': throw postgresErrors.PG_PARSER_UNAVAILABLE('it stopped without an answer');
    case 'failed': throw postgresErrors.PG_PARSER_UNAVAILABLE(`it failed: ${answer.message}`);
  }
}

/** Parses `sql` with PostgreSQL's parser: how many statements it holds, or why it refuses it. */
export function parseStatements(sql: string): ParseOutcome {
  const reply = call({ op: 'parse', sql });
  if (reply.refused !== undefined) return { ok: false, ...reply.refused };
  return { ok: true, statements: reply.statements ?? 0 };
}

/**
 * Scans `sql` with PostgreSQL's scanner: its tokens, or the scanner's refusal (an unterminated
 * quoted string, say).
 */
export function scanTokens(sql: string): { readonly ok: true; readonly tokens: readonly ScannedToken[] } | ({ readonly ok: false } & ParserRefusal) {
  const reply = call({ op: 'scan', sql });
  if (reply.refused !== undefined) return { ok: false, ...reply.refused };
  return { ok: true, tokens: reply.tokens ?? [] };
}
