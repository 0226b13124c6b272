/**
 * A subset of Java's DateTimeFormatter, enough for the patterns Kestra flows use (`yyyy-MM-dd`,
 * `HH:mm:ss.SSS`, `EEE, d MMM yyyy`, `XXX`, quoted text) and Kestra's named shortcuts. A letter
 * outside the subset fails loudly rather than printing something Java would not.
 */
import { fieldsOf, type Fields, type ZonedTime } from './date-zone.js';
import { lookup, table, type CallContext } from './registry.js';

export type PatternPart = { readonly letter: string; readonly count: number } | { readonly literal: string };

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Month and day names for a locale; English unless a locale is asked for. */
export interface Names {
  readonly months: readonly string[];
  readonly monthsShort: readonly string[];
  readonly days: readonly string[];
  readonly daysShort: readonly string[];
}

const ENGLISH: Names = {
  months: MONTHS,
  monthsShort: MONTHS.map((m) => m.slice(0, 3)),
  days: DAYS,
  daysShort: DAYS.map((d) => d.slice(0, 3)),
};
const namesCache = new Map<string, Names>();

/** Names in `locale` (Java form `fr_FR` accepted), from Intl. */
export function namesFor(locale: unknown, ctx: CallContext): Names {
  if (locale === undefined || locale === null) return ENGLISH;
  if (typeof locale !== 'string') return ctx.fail('locale must be a string');
  const tag = locale.replace(/_/g, '-');
  const cached = namesCache.get(tag);
  if (cached !== undefined) return cached;
  let names: Names;
  try {
    const name = (options: Intl.DateTimeFormatOptions, date: number): string =>
      new Intl.DateTimeFormat(tag, { ...options, timeZone: 'UTC' }).format(date);
    const months = (style: 'long' | 'short'): string[] => MONTHS.map((_, i) => name({ month: style }, Date.UTC(2021, i, 15)));
    // 2021-03-01 was a Monday.
    const days = (style: 'long' | 'short'): string[] => DAYS.map((_, i) => name({ weekday: style }, Date.UTC(2021, 2, 1 + i)));
    names = { months: months('long'), monthsShort: months('short'), days: days('long'), daysShort: days('short') };
  } catch {
    return ctx.fail(`unknown locale '${locale}'`);
  }
  if (namesCache.size >= 64) namesCache.clear();
  namesCache.set(tag, names);
  return names;
}

/** Splits a pattern into letter runs and literal text (`'...'` quotes, `''` for a quote). */
export function parsePattern(pattern: string, ctx: CallContext): PatternPart[] {
  const parts: PatternPart[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] ?? '';
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        parts.push({ literal: "'" });
        i += 2;
        continue;
      }
      let text = '';
      i++;
      for (;;) {
        if (i >= pattern.length) return ctx.fail(`unterminated quote in date pattern '${pattern}'`);
        if (pattern[i] === "'" && pattern[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (pattern[i] === "'") {
          i++;
          break;
        } else {
          text += pattern[i];
          i++;
        }
      }
      parts.push({ literal: text });
    } else if (/[A-Za-z]/.test(c)) {
      let count = 1;
      while (pattern[i + count] === c) count++;
      parts.push({ letter: c, count });
      i += count;
    } else {
      // `[` and `]` mark optional sections in Java; every field we print is available, so they vanish.
      if (c !== '[' && c !== ']') parts.push({ literal: c });
      i++;
    }
  }
  return parts;
}

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/** An offset as Java prints it: `style` picks `+HH`, `+HHmm` or `+HH:mm`; `zeroAsZ` prints UTC as `Z`. */
export function formatOffset(minutes: number, style: 'HH' | 'HHmm' | 'HH:mm', zeroAsZ: boolean): string {
  if (minutes === 0 && zeroAsZ) return 'Z';
  const sign = minutes < 0 ? '-' : '+';
  const h = pad(Math.floor(Math.abs(minutes) / 60), 2);
  const m = pad(Math.abs(minutes) % 60, 2);
  if (style === 'HH') return m === '00' ? `${sign}${h}` : `${sign}${h}${m}`;
  return style === 'HHmm' ? `${sign}${h}${m}` : `${sign}${h}:${m}`;
}

function letter(f: Fields, letterName: string, count: number, names: Names, ctx: CallContext): string {
  const num = (value: number): string => (count === 1 ? String(value) : pad(value, count));
  const offsetStyle = count === 1 ? 'HH' : count === 2 || count === 4 ? 'HHmm' : 'HH:mm';
  switch (letterName) {
    case 'y':
    case 'u':
      return count === 2 ? pad(f.year % 100, 2) : pad(f.year, count);
    case 'M':
    case 'L':
      if (count >= 4) return names.months[f.month - 1] ?? '';
      if (count === 3) return names.monthsShort[f.month - 1] ?? '';
      return num(f.month);
    case 'd':
      return num(f.day);
    case 'D':
      return pad(f.dayOfYear, count);
    case 'H':
      return num(f.hour);
    case 'k':
      return num(f.hour === 0 ? 24 : f.hour);
    case 'h':
      return num(f.hour % 12 === 0 ? 12 : f.hour % 12);
    case 'K':
      return num(f.hour % 12);
    case 'm':
      return num(f.minute);
    case 's':
      return num(f.second);
    case 'S':
      return pad(f.nano, 9).slice(0, Math.min(count, 9)).padEnd(count, '0');
    case 'n':
      return String(f.nano);
    case 'a':
      return f.hour < 12 ? 'AM' : 'PM';
    case 'E':
      return count >= 4 ? (names.days[f.weekday - 1] ?? '') : (names.daysShort[f.weekday - 1] ?? '');
    case 'G':
      return 'AD';
    case 'X':
      return formatOffset(f.offsetMinutes, offsetStyle, true);
    case 'x':
      return formatOffset(f.offsetMinutes, offsetStyle, false);
    case 'Z':
      if (count === 4) return f.offsetMinutes === 0 ? 'GMT' : `GMT${formatOffset(f.offsetMinutes, 'HH:mm', false)}`;
      return count === 5 ? formatOffset(f.offsetMinutes, 'HH:mm', true) : formatOffset(f.offsetMinutes, 'HHmm', false);
    case 'V':
      return f.zone.id ?? formatOffset(f.offsetMinutes, 'HH:mm', true);
    default:
      return ctx.fail(`unsupported date pattern letter '${letterName}'`);
  }
}

/** Formats with a Java pattern. */
export function formatPattern(f: Fields, pattern: string, names: Names, ctx: CallContext): string {
  return parsePattern(pattern, ctx)
    .map((part) => ('literal' in part ? part.literal : letter(f, part.letter, part.count, names, ctx)))
    .join('');
}

/** Java's ISO fraction: no digits for zero, otherwise trailing zeros dropped (`groups` of 3 for ISO_INSTANT). */
function fraction(nano: number, groups: boolean): string {
  if (nano === 0) return '';
  const digits = pad(nano, 9);
  if (groups) return `.${digits.endsWith('000000') ? digits.slice(0, 3) : digits.endsWith('000') ? digits.slice(0, 6) : digits}`;
  return `.${digits.replace(/0+$/, '')}`;
}

const localDate = (f: Fields): string => `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}`;
const localTime = (f: Fields): string => `${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${fraction(f.nano, false)}`;
const offsetId = (f: Fields): string => formatOffset(f.offsetMinutes, 'HH:mm', true);
const zoned = (f: Fields): string => `${localDate(f)}T${localTime(f)}${offsetId(f)}${f.zone.id === undefined ? '' : `[${f.zone.id}]`}`;

type Shortcut = string | ((f: Fields, time: ZonedTime, ctx: CallContext) => string);

/** Kestra's named formats (AbstractDate.FORMATTERS). */
const SHORTCUTS = table<Shortcut>({
  iso: "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX",
  iso_sec: "yyyy-MM-dd'T'HH:mm:ssXXX",
  sql: 'yyyy-MM-dd HH:mm:ss.SSSSSS',
  sql_seq: 'yyyy-MM-dd HH:mm:ss',
  iso_date_time: zoned,
  iso_zoned_date_time: zoned,
  iso_offset_date_time: (f: Fields) => `${localDate(f)}T${localTime(f)}${offsetId(f)}`,
  iso_date: (f: Fields) => `${localDate(f)}${offsetId(f)}`,
  iso_time: (f: Fields) => `${localTime(f)}${offsetId(f)}`,
  iso_offset_time: (f: Fields) => `${localTime(f)}${offsetId(f)}`,
  iso_local_date: localDate,
  iso_local_time: localTime,
  iso_local_date_time: (f: Fields) => `${localDate(f)}T${localTime(f)}`,
  iso_ordinal_date: (f: Fields) => `${pad(f.year, 4)}-${pad(f.dayOfYear, 3)}${offsetId(f)}`,
  iso_instant: (_f: Fields, time: ZonedTime, ctx: CallContext) => {
    const u = fieldsOf({ ...time, zone: { id: undefined, fixedMinutes: 0 } }, ctx);
    return `${localDate(u)}T${pad(u.hour, 2)}:${pad(u.minute, 2)}:${pad(u.second, 2)}${fraction(u.nano, true)}Z`;
  },
  rfc_1123_date_time: (f: Fields) =>
    `${ENGLISH.daysShort[f.weekday - 1] ?? ''}, ${f.day} ${ENGLISH.monthsShort[f.month - 1] ?? ''} ${pad(f.year, 4)} ` +
    `${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)} ${f.offsetMinutes === 0 ? 'GMT' : formatOffset(f.offsetMinutes, 'HHmm', false)}`,
});

const LOCALIZED_STYLES = new Set(['full', 'long', 'medium', 'short']);

/** Formats `time` with a shortcut name or a Java pattern. */
export function formatTime(time: ZonedTime, format: string, locale: unknown, ctx: CallContext): string {
  const f = fieldsOf(time, ctx);
  const shortcut = lookup(SHORTCUTS, format);
  if (typeof shortcut === 'function') return shortcut(f, time, ctx);
  if (LOCALIZED_STYLES.has(format)) return ctx.fail(`the localized date style '${format}' is not supported; use a pattern`);
  return formatPattern(f, shortcut ?? format, namesFor(locale, ctx), ctx);
}
