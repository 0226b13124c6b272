/**
 * A date as Kestra's calendar conditions read it: the wall-clock date and time written in an
 * ISO-8601 string (`trigger.date` is written in the trigger's time zone), with its offset.
 */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 1 = Monday ... 7 = Sunday, as java.time.DayOfWeek. */
  readonly dayOfWeek: number;
  /** Seconds since midnight, wall clock. */
  readonly seconds: number;
  /** The offset from UTC in seconds; 0 when the string has none. */
  readonly offset: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?(?:\[[^\]]+\])?$/;

/** The offset of `Z`, `+02:00` or `-0530`, in seconds. */
export function offsetSeconds(text: string | undefined): number {
  if (text === undefined || text === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
}

/** Reads an ISO-8601 date or date-time; throws on anything else. */
export function wallClock(text: string): WallClock {
  const m = ISO.exec(text.trim());
  if (!m) throw new Error(`'${text}' is not an ISO-8601 date`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCMonth() !== month - 1 || utc.getUTCDate() !== day) throw new Error(`'${text}' is not a valid date`);
  const seconds = Number(m[4] ?? 0) * 3600 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0);
  return { year, month, day, dayOfWeek: ((utc.getUTCDay() + 6) % 7) + 1, seconds, offset: offsetSeconds(m[7]) };
}

/** The number of days in a month (1-12). */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
