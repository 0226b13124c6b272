/**
 * PostgreSQL's own parser and scanner (libpg-query, compiled to WebAssembly), run in a worker
 * thread started the first time a statement is checked or bound.
 *
 * Importing libpg-query instantiates its WebAssembly at once: about 18 MB of resident memory and
 * 136 MB of reserved WebAssembly memory in every process that loads this plugin package, which
 * the server does in every role, whether or not any flow has a PostgreSQL trigger (the
 * webserver's peak under ingestion was 166 MB with it, 148 MB without). A plugin's `check` is
 * synchronous, so a call here blocks on `Atomics.wait` until the worker answers, bounded in time;
 * a worker that does not answer is stopped and the next call starts a fresh one.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
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

// The worker: CommonJS, evaluated from this string so it needs no file of its own in the build.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, state, parserPath } = workerData;
const done = (reply) => {
  port.postMessage(reply);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
};
const refusal = (error) => {
  const details = error && error.sqlDetails;
  return { message: details && details.message !== undefined ? String(details.message) : String(error), cursorPosition: details ? details.cursorPosition : undefined };
};
const parser = require(parserPath);
parser.loadModule().then(
  () => {
    port.on('message', ({ op, sql }) => {
      try {
        if (op === 'scan') done({ tokens: parser.scanSync(sql).tokens.map((t) => ({ start: t.start, end: t.end, text: t.text })) });
        else done({ statements: (parser.parseSync(sql).stmts || []).length });
      } catch (error) {
        done({ refused: refusal(error) });
      }
    });
    Atomics.store(state, 1, 1);
    Atomics.notify(state, 1);
  },
  () => {
    Atomics.store(state, 1, 2);
    Atomics.notify(state, 1);
  },
);
`;

/** What the worker posts back. */
interface WorkerReply {
  readonly statements?: number;
  readonly tokens?: ScannedToken[];
  readonly refused?: ParserRefusal;
}

interface ParserWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** [0]: 1 once a reply is posted; [1]: 0 loading, 1 ready, 2 failed to load. */
  readonly state: Int32Array;
}

let current: ParserWorker | undefined;

function start(): ParserWorker {
  const parserPath = createRequire(import.meta.url).resolve('libpg-query');
  const state = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, state, parserPath }, transferList: [port2] });
  // An idle parser must not keep the process alive, nor its port.
  worker.unref();
  port1.unref();
  worker.on('error', () => undefined);
  return { worker, port: port1, state };
}

function stop(parser: ParserWorker): void {
  if (current === parser) current = undefined;
  void parser.worker.terminate().catch(() => undefined);
  parser.port.close();
}

/** Sends one request and waits for its reply; throws `PG_PARSER_UNAVAILABLE` when there is none in time. */
function call(request: { readonly op: 'parse' | 'scan'; readonly sql: string }): WorkerReply {
  const parser = current ?? (current = start());
  if (Atomics.load(parser.state, 1) === 0) Atomics.wait(parser.state, 1, 0, PARSER_LIMITS.startMs);
  if (Atomics.load(parser.state, 1) !== 1) {
    stop(parser);
    throw postgresErrors.PG_PARSER_UNAVAILABLE(`it could not be started within ${PARSER_LIMITS.startMs} ms`);
  }
  Atomics.store(parser.state, 0, 0);
  parser.port.postMessage(request);
  if (Atomics.wait(parser.state, 0, 0, PARSER_LIMITS.callMs) === 'timed-out') {
    stop(parser);
    throw postgresErrors.PG_PARSER_UNAVAILABLE(`it ran longer than ${PARSER_LIMITS.callMs} ms`);
  }
  const received = receiveMessageOnPort(parser.port) as { message: WorkerReply } | undefined;
  if (received === undefined) {
    stop(parser);
    throw postgresErrors.PG_PARSER_UNAVAILABLE('it stopped without an answer');
  }
  return received.message;
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
