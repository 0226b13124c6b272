/** Kestra's date filters: `date`, `dateAdd` and the `timestamp` family. */
import { formatTime } from './date-format.js';
import { readTime } from './date-parse.js';
import { fieldsOf, secondsOf, zoneOf, type ZonedTime } from './date-zone.js';
import { lookup, table, type Args, type CallContext, type FilterDef } from './registry.js';

const DATE_PARAMS = ['format', 'timeZone', 'existingFormat', 'locale'];

function read(input: unknown, args: Args, ctx: CallContext): ZonedTime {
  return readTime(input, zoneOf(args.timeZone, ctx), args.existingFormat, args.locale, ctx);
}

function format(time: ZonedTime, args: Args, ctx: CallContext): string {
  const pattern = args.format ?? 'iso';
  if (typeof pattern !== 'string') return ctx.fail('format must be a string');
  return formatTime(time, pattern, args.locale, ctx);
}

const NANOS = table<bigint>({
  NANOS: 1n,
  MICROS: 1_000n,
  MILLIS: 1_000_000n,
  SECONDS: 1_000_000_000n,
  MINUTES: 60_000_000_000n,
  HOURS: 3_600_000_000_000n,
  HALF_DAYS: 43_200_000_000_000n,
});

const MONTHS = table<number>({
  MONTHS: 1,
  YEARS: 12,
  DECADES: 120,
  CENTURIES: 1_200,
  MILLENNIA: 12_000,
});

/** Java's `ZonedDateTime.plus(amount, ChronoUnit)`: time units on the instant, date units on the local date. */
function plus(time: ZonedTime, amount: unknown, unit: unknown, ctx: CallContext): ZonedTime {
  if (typeof amount !== 'number' || !Number.isInteger(amount)) return ctx.fail('dateAdd amount must be a whole number');
  if (typeof unit !== 'string') return ctx.fail('dateAdd unit must be a string such as DAYS');
  const nanos = lookup(NANOS, unit);
  if (nanos !== undefined) {
    const total = BigInt(time.seconds) * 1_000_000_000n + BigInt(time.nano) + BigInt(amount) * nanos;
    let seconds = total / 1_000_000_000n;
    let nano = total % 1_000_000_000n;
    if (nano < 0n) {
      nano += 1_000_000_000n;
      seconds -= 1n;
    }
    return { seconds: Number(seconds), nano: Number(nano), zone: time.zone };
  }
  const local = fieldsOf(time, ctx);
  const months = lookup(MONTHS, unit);
  let { year, month, day } = local;
  if (unit === 'DAYS' || unit === 'WEEKS') {
    day += amount * (unit === 'WEEKS' ? 7 : 1);
  } else if (months !== undefined) {
    const index = year * 12 + (month - 1) + amount * months;
    year = Math.floor(index / 12);
    month = index - year * 12 + 1;
    // Java clamps to the last day of a shorter month (Jan 31 + 1 month = Feb 28/29).
    day = Math.min(day, daysInMonth(year, month));
  } else {
    return ctx.fail(`unknown dateAdd unit '${unit}'`);
  }
  const normalized = new Date(0);
  normalized.setUTCFullYear(year, month - 1, day);
  const seconds = secondsOf(
    { year: normalized.getUTCFullYear(), month: normalized.getUTCMonth() + 1, day: normalized.getUTCDate(), hour: local.hour, minute: local.minute, second: local.second },
    time.zone,
    ctx,
  );
  return { seconds, nano: time.nano, zone: time.zone };
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

function timestamp(scale: 'seconds' | 'millis' | 'micros' | 'nanos'): FilterDef {
  return {
    params: ['timeZone', 'existingFormat'],
    apply: (input, args, ctx) => {
      if (input === null || input === undefined) return null;
      const t = read(input, args, ctx);
      if (scale === 'seconds') return t.seconds;
      if (scale === 'millis') return t.seconds * 1000 + Math.floor(t.nano / 1_000_000);
      if (scale === 'micros') return t.seconds * 1_000_000 + Math.floor(t.nano / 1000);
      return BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nano);
    },
  };
}

export const DATE_FILTERS: Readonly<Record<string, FilterDef>> = {
  date: {
    params: DATE_PARAMS,
    apply: (input, args, ctx) => (input === null || input === undefined ? null : format(read(input, args, ctx), args, ctx)),
  },
  dateAdd: {
    params: ['amount', 'unit', ...DATE_PARAMS],
    required: 2,
    apply: (input, args, ctx) => (input === null || input === undefined ? null : format(plus(read(input, args, ctx), args.amount, args.unit, ctx), args, ctx)),
  },
  timestamp: timestamp('seconds'),
  timestampMilli: timestamp('millis'),
  timestampMicro: timestamp('micros'),
  timestampNano: timestamp('nanos'),
};
