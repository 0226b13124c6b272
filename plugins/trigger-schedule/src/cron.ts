import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { scheduleErrors } from './errors.js';

/** What the calendar of a Schedule trigger is computed from. */
export interface CronSpec {
  readonly cron: string;
  readonly withSeconds?: boolean;
  readonly timezone?: string;
}

/** The time zone when a trigger names none: UTC, which is what Kestra's documentation promises. */
export const DEFAULT_TIMEZONE = 'Etc/UTC';

/**
 * Kestra's nicknames (cron-utils `withSupportedNickname*`), as five-field expressions. Only these:
 * cron-parser also knows `@minutely`, `@secondly`, `@weekdays` and `@weekends`, which Kestra
 * refuses, so a flow written here still loads in Kestra.
 */
const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** The nicknames a `cron` may be. */
export const CRON_NICKNAMES: readonly string[] = Object.keys(NICKNAMES);

const cache = new Map<string, string>();

/** Throws when `timezone` is not a time zone the platform knows. */
export function assertTimezone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw scheduleErrors.SCHEDULE_INVALID_TIMEZONE(timezone, { details: { path: 'timezone' } });
  }
}

/**
 * The expression cron-parser gets for `spec`, checked the way Kestra's parser checks it:
 * exactly five fields (minute precision), or six with `withSeconds` (seconds first); a
 * nickname in either mode; no `H` (hashed values, which Kestra does not know); every value in
 * range. Throws `SCHEDULE_INVALID_CRON` with the reason.
 */
export function normalizeCron(spec: CronSpec): string {
  const key = `${spec.withSeconds === true ? 6 : 5}\u0000${spec.cron}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const fail = (reason: string) => scheduleErrors.SCHEDULE_INVALID_CRON(spec.cron, reason, { details: { path: 'cron' } });
  const text = spec.cron.trim();
  let expression: string;
  if (text.startsWith('@')) {
    const nickname = NICKNAMES[text.toLowerCase()];
    if (nickname === undefined) throw fail(`unknown nickname; use one of ${CRON_NICKNAMES.join(', ')}`);
    expression = spec.withSeconds === true ? `0 ${nickname}` : nickname;
  } else {
    const fields = text.split(/\s+/);
    const expected = spec.withSeconds === true ? 6 : 5;
    if (fields.length !== expected) {
      throw fail(`${fields.length} field${fields.length === 1 ? '' : 's'}, expected ${expected}${spec.withSeconds === true ? ' (withSeconds: seconds first)' : ' (set withSeconds: true for six)'}`);
    }
    if (fields.some((field) => field.split(/[,/-]/).some((atom) => atom.startsWith('H')))) throw fail("'H' (hashed values) is not supported");
    expression = fields.join(' ');
  }
  try {
    CronExpressionParser.parse(expression, { currentDate: new Date(0), tz: 'Etc/UTC' });
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, expression);
  return expression;
}

function iterate(spec: CronSpec, from: Date): CronExpression {
  const timezone = spec.timezone ?? DEFAULT_TIMEZONE;
  assertTimezone(timezone);
  return CronExpressionParser.parse(normalizeCron(spec), { currentDate: from, tz: timezone });
}

/**
 * The first tick strictly after `after`, or undefined when the calendar has none (a date that
 * never comes, such as February 30th). Throws on an invalid cron or time zone.
 */
export function nextTick(spec: CronSpec, after: Date): Date | undefined {
  const expression = iterate(spec, after);
  try {
    return expression.next().toDate();
  } catch {
    return undefined;
  }
}

/** The last tick strictly before `before`, or undefined when there is none. */
export function previousTick(spec: CronSpec, before: Date): Date | undefined {
  const expression = iterate(spec, before);
  try {
    return expression.prev().toDate();
  } catch {
    return undefined;
  }
}

/**
 * An instant as ISO-8601 in `timezone`, as Kestra serializes a ZonedDateTime: `Z` for UTC,
 * else the offset, e.g. `2024-07-01T06:30:00+02:00`; milliseconds only when not zero.
 */
export function isoInZone(date: Date, timezone: string = DEFAULT_TIMEZONE): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    }).formatToParts(date).map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const year = Number(parts.year);
  const local = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offset = Math.round((local - (date.getTime() - date.getUTCMilliseconds())) / 60_000);
  const ms = date.getUTCMilliseconds();
  const zone = offset === 0 ? 'Z' : `${offset > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return `${pad(year, 4)}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${ms === 0 ? '' : `.${pad(ms, 3)}`}${zone}`;
}
