import type { LogEntry } from '@sluice/engine';

/**
 * A log entry as a script argument: its JSON, as UTF-8 bytes when it holds a character past
 * ASCII. ioredis joins a command's string arguments into one string before writing it, and one
 * character past Latin-1 (an emoji in a message) makes V8 store that whole string two bytes a
 * character, then encode it to UTF-8 character by character on the socket: a save carries the
 * execution's JSON two or three times beside its log lines, so one emoji made the worker
 * re-encode about 6 KB per execution. With a Buffer among its arguments, ioredis writes each
 * argument apart and the others stay one byte a character. Redis receives the same bytes.
 */
export function logLineArg(entry: LogEntry): string | Buffer {
  const line = JSON.stringify(entry);
  // As many UTF-8 bytes as characters: ASCII (a fast count for the common one-byte string).
  return Buffer.byteLength(line, 'utf8') === line.length ? line : Buffer.from(line, 'utf8');
}
