import type { LogEntry } from '@sluice/engine';

const PAST_ASCII = /[\u0080-\uffff]/g;
const escaped = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * A log entry as a script argument: its JSON, in ASCII. ioredis joins a command's string
 * arguments into one string before writing it, and one character past Latin-1 (an emoji in a
 * message) made V8 hold that whole string two bytes a character and encode it to UTF-8
 * character by character on the socket: a save carries the execution's JSON two or three times
 * beside its log lines, so one emoji made the worker re-encode about 6 KB per execution. A line
 * past ASCII is written with JSON's own `\uXXXX` escapes instead (the same value for any JSON
 * reader, and the log repository reads lines only as JSON), copied into a one-byte string.
 * (Sending such a line as a Buffer made ioredis write every argument apart, which cost about
 * half of what it saved.)
 */
export function logLineArg(entry: LogEntry): string {
  const line = JSON.stringify(entry);
  // As many UTF-8 bytes as characters: ASCII already (a fast count for a one-byte string).
  if (Buffer.byteLength(line, 'utf8') === line.length) return line;
  return Buffer.from(line.replace(PAST_ASCII, escaped), 'latin1').toString('latin1');
}
