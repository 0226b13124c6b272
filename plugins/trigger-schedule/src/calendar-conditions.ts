import { createRequire } from 'node:module';
import type Holidays from 'date-holidays';
import { Dynamic, EXPRESSION_CONDITION_TYPES, Type, type Static } from '@sluice/core';
import { daysInMonth, offsetSeconds, wallClock, type WallClock } from './calendar.js';

const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
const IN_MONTH = ['FIRST', 'SECOND', 'THIRD', 'FOURTH', 'LAST'] as const;

/** A condition's Kestra type string and its `...Condition` and pre-0.15 spellings. */
const kestraType = (name: string) => {
  const types = [`io.kestra.plugin.core.condition.${name}`, `io.kestra.plugin.core.condition.${name}Condition`, `io.kestra.core.models.conditions.types.${name}Condition`];
  return Type.Union(types.map((type) => Type.Literal(type)), { description: `The condition type; also spelt ${types.slice(1).map((t) => `\`${t}\``).join(' and ')}.` });
};

const date = Type.Optional(Dynamic(Type.String({
  default: '{{ trigger.date }}',
  description: 'The date looked at, ISO-8601; the tick\'s date in the trigger\'s time zone by default. Its wall-clock day and time are what count.',
}), { renderedBy: 'plugin' }));
const dayOfWeek = Type.Union(DAYS.map((d) => Type.Literal(d)), { description: 'A day of the week, `MONDAY` to `SUNDAY`.' });
const offsetTime = (what: string) => Type.String({
  pattern: '^\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?$',
  description: `${what}, \`HH:mm[:ss]\` with an offset (\`14:00:00+02:00\`, \`06:30:00Z\`); without one, the date's own offset.`,
});

/** Kestra's `DayWeek`: the date falls on a day of the week. */
export const DayWeekCondition = Type.Object({ type: kestraType('DayWeek'), dayOfWeek, date }, { additionalProperties: false, description: 'Passes on one day of the week.' });
/** Kestra's `DayWeekInMonth`: the date is the first, second, ... or last such day of its month. */
export const DayWeekInMonthCondition = Type.Object(
  { type: kestraType('DayWeekInMonth'), dayOfWeek, dayInMonth: Type.Union(IN_MONTH.map((d) => Type.Literal(d)), { description: 'Which one in the month: `FIRST`, `SECOND`, `THIRD`, `FOURTH` or `LAST`.' }), date },
  { additionalProperties: false, description: 'Passes on the first, second, third, fourth or last given day of the week of a month.' },
);
/** Kestra's `TimeBetween`: the time of day is after `after` and before `before`. */
export const TimeBetweenCondition = Type.Object(
  { type: kestraType('TimeBetween'), after: Type.Optional(offsetTime('The time the date must be strictly after')), before: Type.Optional(offsetTime('The time the date must be strictly before')), date },
  { additionalProperties: false, description: 'Passes when the time of day is strictly after `after` and strictly before `before` (either may be left out).' },
);
/** Kestra's `Weekend`. */
export const WeekendCondition = Type.Object({ type: kestraType('Weekend'), date }, { additionalProperties: false, description: 'Passes on Saturdays and Sundays.' });
/** Kestra's `PublicHoliday`, from the date-holidays library. */
export const PublicHolidayCondition = Type.Object(
  {
    type: kestraType('PublicHoliday'),
    country: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country code, e.g. `FR`. Required: Kestra\'s default (the server locale\'s country) depends on the host.' }),
    subDivision: Type.Optional(Type.String({ minLength: 1, description: 'ISO 3166-2 subdivision code without the country, e.g. `BY` for Bavaria.' })),
    date,
  },
  { additionalProperties: false, description: 'Passes on a public holiday of the country (and subdivision), as the date-holidays library knows them.' },
);
/** Kestra's expression condition. */
export const ScheduleExpressionCondition = Type.Object(
  {
    type: Type.Union(EXPRESSION_CONDITION_TYPES.map((type) => Type.Literal(type)), { description: 'An expression condition.' }),
    expression: Dynamic(Type.String({ description: "A template evaluated with the tick's variables, e.g. `{{ trigger.date | date('EEEE') != 'Sunday' }}`; passes when truthy." }), { renderedBy: 'plugin' }),
  },
  { additionalProperties: false, description: 'Passes when the expression is truthy.' },
);

const LEAVES = [ScheduleExpressionCondition, DayWeekCondition, DayWeekInMonthCondition, TimeBetweenCondition, WeekendCondition, PublicHolidayCondition];
const Leaf = Type.Union(LEAVES, { description: 'A condition.' });
/** Kestra's `Not`: passes when none of its conditions passes. */
export const NotCondition = Type.Object(
  { type: kestraType('Not'), conditions: Type.Array(Leaf, { minItems: 1, description: 'The conditions, none of which may pass (Not and Or cannot nest).' }) },
  { additionalProperties: false, description: 'Passes when none of its conditions passes.' },
);
/** Kestra's `Or`: passes when one of its conditions passes. */
export const OrCondition = Type.Object(
  { type: kestraType('Or'), conditions: Type.Array(Leaf, { minItems: 1, description: 'The conditions, one of which must pass (Not and Or cannot nest).' }) },
  { additionalProperties: false, description: 'Passes when one of its conditions passes.' },
);

/** One entry of a schedule's `conditions`. */
export const ScheduleCondition = Type.Union([...LEAVES, NotCondition, OrCondition], { description: 'A condition the tick must meet.' });
export type ScheduleCondition = Static<typeof ScheduleCondition>;
type LeafCondition = Static<typeof Leaf>;

/** The condition's name without its package and `Condition` suffix: `DayWeek`, `Or`, `ExpressionCondition`'s `Expression`. */
export function conditionKind(type: string): string {
  return type.replace(/^.*\./, '').replace(/Condition$/, '');
}

/** Seconds of the day of `HH:mm[:ss][offset]` on the UTC clock, as java.time.OffsetTime compares. */
function offsetTimeSeconds(text: string, fallbackOffset: number): number {
  const m = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a time`);
  const offset = m[4] === undefined ? fallbackOffset : offsetSeconds(m[4]);
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0) - offset;
}

// The holiday library carries every country's calendar: about half a second to load, which every
// server start paid for a condition few flows use. Loaded (synchronously, its CommonJS build) on
// the first PublicHoliday condition instead.
let holidaysClass: typeof Holidays | undefined;
const HolidaysClass = (): typeof Holidays => (holidaysClass ??= createRequire(import.meta.url)('date-holidays') as typeof Holidays);

const holidayCalendars = new Map<string, Holidays>();
function isPublicHoliday(day: WallClock, country: string, subDivision: string | undefined): boolean {
  const key = `${country.toUpperCase()}-${subDivision ?? ''}`;
  let calendar = holidayCalendars.get(key);
  if (!calendar) {
    const Calendar = HolidaysClass();
    calendar = subDivision ? new Calendar(country.toUpperCase(), subDivision) : new Calendar(country.toUpperCase());
    holidayCalendars.set(key, calendar);
  }
  const wanted = `${day.year}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;
  return calendar.getHolidays(day.year).some((holiday) => holiday.type === 'public' && holiday.date.slice(0, 10) === wanted);
}

/** True when a country (and subdivision) is one the holiday library knows. */
export function knownHolidayRegion(country: string, subDivision?: string): boolean {
  const all = new (HolidaysClass())();
  const code = country.toUpperCase();
  if (!Object.hasOwn(all.getCountries() ?? {}, code)) return false;
  return subDivision === undefined || Object.hasOwn(all.getStates(code) ?? {}, subDivision.toUpperCase());
}

/**
 * Whether one calendar condition passes for `dateText`, the condition's rendered `date`: Kestra's
 * DayWeek, DayWeekInMonth, TimeBetween, Weekend and PublicHoliday, read on the date's wall clock.
 */
export function calendarPasses(condition: Exclude<LeafCondition, { expression: string }>, dateText: string): boolean {
  const day = wallClock(dateText);
  switch (conditionKind(condition.type)) {
    case 'DayWeek':
      return DAYS[day.dayOfWeek - 1] === (condition as { dayOfWeek: string }).dayOfWeek;
    case 'DayWeekInMonth': {
      const c = condition as { dayOfWeek: string; dayInMonth: (typeof IN_MONTH)[number] };
      if (DAYS[day.dayOfWeek - 1] !== c.dayOfWeek) return false;
      if (c.dayInMonth === 'LAST') return day.day + 7 > daysInMonth(day.year, day.month);
      return Math.ceil(day.day / 7) === IN_MONTH.indexOf(c.dayInMonth) + 1;
    }
    case 'TimeBetween': {
      const c = condition as { after?: string; before?: string };
      const now = day.seconds - day.offset;
      return (c.after === undefined || now > offsetTimeSeconds(c.after, day.offset)) && (c.before === undefined || now < offsetTimeSeconds(c.before, day.offset));
    }
    case 'Weekend':
      return day.dayOfWeek >= 6;
    case 'PublicHoliday': {
      const c = condition as { country: string; subDivision?: string };
      return isPublicHoliday(day, c.country, c.subDivision);
    }
  }
  throw new Error(`condition type '${condition.type}' is not a calendar condition`);
}
