/**
 * Reads the input of a date filter: a Date, epoch seconds (as Kestra reads a Long), an ISO-8601
 * string, or a string in an `existingFormat` pattern. Patterns compile to anchored regular
 * expressions without nested quantifiers, so parsing stays linear on any input.
 */
import { namesFor, parsePattern, type Names } from './date-format.js';
import { secondsOf, UTC, zoneOf, type Zone, type ZonedTime } from './date-zone.js';
import type { CallContext } from './registry.js';
import { isDate, typeName } from './values.js';

const ISO = /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?(?:\[([^\]]{1,64})\])?$/i;
const OFFSET_OR_ZONE = '(Z|[+-]\\d{2}(?::?\\d{2})?|GMT(?:[+-]\\d{2}:\\d{2})?|[A-Za-z_]{1,32}(?:/[A-Za-z_]{1,32}){0,2})';

/** Reads `input` as an instant, to be shown in `zone`. */
export function readTime(input: unknown, zone: Zone, existingFormat: unknown, locale: unknown, ctx: CallContext): ZonedTime {
  if (isDate(input)) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) return ctx.fail('invalid date');
    const seconds = Math.floor(ms / 1000);
    return { seconds, nano: (ms - seconds * 1000) * 1_000_000, zone };
  }
  if (typeof input === 'number' || typeof input === 'bigint') {
    const value = Number(input);
    if (!Number.isFinite(value)) return ctx.fail('invalid epoch seconds');
    const seconds = Math.floor(value);
    return { seconds, nano: Math.round((value - seconds) * 1e9), zone };
  }
  if (typeof input !== 'string') return ctx.fail(`cannot read a date from a ${typeName(input)}`);
  if (existingFormat !== undefined && existingFormat !== null) {
    if (typeof existingFormat !== 'string') return ctx.fail('existingFormat must be a string');
    return { ...withPattern(input, existingFormat, zone, namesFor(locale, ctx), ctx), zone };
  }
  return { ...iso(input.trim(), zone, ctx), zone };
}

function offsetZone(text: string, ctx: CallContext): Zone {
  return text.toUpperCase() === 'Z' ? UTC : zoneOf(text.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2'), ctx);
}

/** An ISO-8601 date-time; without an offset, the local time is read in `fallback`. */
function iso(text: string, fallback: Zone, ctx: CallContext): { seconds: number; nano: number } {
  const m = ISO.exec(text);
  if (m === null) return ctx.fail('the value is not an ISO-8601 date; give existingFormat to read another format');
  const zone = m[8] !== undefined ? offsetZone(m[8], ctx) : m[9] !== undefined ? zoneOf(m[9], ctx) : fallback;
  const local = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
  checkRanges(local, ctx);
  return { seconds: secondsOf(local, zone, ctx), nano: Number((m[7] ?? '').padEnd(9, '0')) };
}

function checkRanges(l: { month: number; day: number; hour: number; minute: number; second: number }, ctx: CallContext): void {
  if (l.month < 1 || l.month > 12 || l.day < 1 || l.day > 31 || l.hour > 23 || l.minute > 59 || l.second > 59) {
    ctx.fail('date field out of range');
  }
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const alternatives = (words: readonly string[]): string => `(${words.map(escape).join('|')})`;

type Setter = (value: string) => void;

/** Parses `text` with a Java pattern; fields the pattern lacks default to the start of their range. */
function withPattern(text: string, pattern: string, fallback: Zone, names: Names, ctx: CallContext): { seconds: number; nano: number } {
  const f = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, nano: 0, pm: undefined as boolean | undefined };
  let zone = fallback;
  const setters: Setter[] = [];
  const index = (list: readonly string[], value: string): number =>
    list.findIndex((w) => w.toLowerCase() === value.toLowerCase()) + 1;
  let source = '';
  for (const part of parsePattern(pattern, ctx)) {
    if ('literal' in part) {
      source += escape(part.literal);
      continue;
    }
    const digits = (width: number): string => (width === 1 ? '(\\d{1,2})' : `(\\d{${width}})`);
    const { letter, count } = part;
    const field = (regex: string, set: Setter): void => {
      source += regex;
      setters.push(set);
    };
    if (letter === 'y' || letter === 'u') field(count === 2 ? '(\\d{2})' : '(\\d{4,6})', (v) => (f.year = count === 2 ? 2000 + Number(v) : Number(v)));
    else if ((letter === 'M' || letter === 'L') && count >= 4) field(alternatives(names.months), (v) => (f.month = index(names.months, v)));
    else if ((letter === 'M' || letter === 'L') && count === 3) field(alternatives(names.monthsShort), (v) => (f.month = index(names.monthsShort, v)));
    else if (letter === 'M' || letter === 'L') field(digits(count), (v) => (f.month = Number(v)));
    else if (letter === 'd') field(digits(count), (v) => (f.day = Number(v)));
    else if (letter === 'H' || letter === 'k') field(digits(count), (v) => (f.hour = Number(v) % 24));
    else if (letter === 'h' || letter === 'K') field(digits(count), (v) => (f.hour = Number(v) % 12));
    else if (letter === 'm') field(digits(count), (v) => (f.minute = Number(v)));
    else if (letter === 's') field(digits(count), (v) => (f.second = Number(v)));
    else if (letter === 'S') field(`(\\d{${Math.min(count, 9)}})`, (v) => (f.nano = Number(v.padEnd(9, '0'))));
    else if (letter === 'a') field('(AM|PM)', (v) => (f.pm = v.toUpperCase() === 'PM'));
    else if (letter === 'E') field(alternatives([...names.days, ...names.daysShort]), () => undefined);
    else if (letter === 'X' || letter === 'x' || letter === 'Z' || letter === 'V') {
      field(OFFSET_OR_ZONE, (v) => (zone = v.startsWith('GMT') && v.length === 3 ? UTC : offsetZone(v.replace(/^GMT/, ''), ctx)));
    } else return ctx.fail(`unsupported date pattern letter '${letter}' in existingFormat`);
  }
  const match = new RegExp(`^${source}$`, 'i').exec(text);
  if (match === null) return ctx.fail(`the value does not match the format '${pattern}'`);
  setters.forEach((set, i) => set(match[i + 1] ?? ''));
  if (f.pm === true) f.hour = (f.hour % 12) + 12;
  checkRanges(f, ctx);
  return { seconds: secondsOf(f, zone, ctx), nano: f.nano };
}
