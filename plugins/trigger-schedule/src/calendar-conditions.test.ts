import { describe, expect, it } from 'vitest';
import { createTriggerContext } from '@sluice/plugin-testing';
import { calendarPasses } from './calendar-conditions.js';
import { checkConditions } from './conditions.js';
import { schedule } from './index.js';

type Props = Parameters<typeof schedule.fire>[1];
type Condition = NonNullable<Props['conditions']>[number];
const C = 'io.kestra.plugin.core.condition.';

/** Fires the tick at `iso` with `conditions`, in `timezone`; true when it starts the flow. */
async function starts(conditions: Condition[], iso: string, timezone?: string): Promise<boolean> {
  const decision = await schedule.fire(createTriggerContext(), { cron: '* * * * *', conditions, ...(timezone ? { timezone } : {}) }, { date: new Date(iso) });
  return decision.kind === 'start';
}

describe('Schedule calendar conditions, on the tick in the trigger time zone', () => {
  it('DayWeek: the wall-clock day in the time zone, not in UTC', async () => {
    // 2024-07-01T23:30Z is a Monday in UTC and Tuesday 01:30 in Paris.
    expect(await starts([{ type: `${C}DayWeek`, dayOfWeek: 'MONDAY' }], '2024-07-01T23:30:00Z')).toBe(true);
    expect(await starts([{ type: `${C}DayWeek`, dayOfWeek: 'MONDAY' }], '2024-07-01T23:30:00Z', 'Europe/Paris')).toBe(false);
    expect(await starts([{ type: `${C}DayWeekCondition`, dayOfWeek: 'TUESDAY' }], '2024-07-01T23:30:00Z', 'Europe/Paris')).toBe(true);
    expect(await starts([{ type: 'io.kestra.core.models.conditions.types.DayWeekCondition', dayOfWeek: 'TUESDAY' }], '2024-07-02T10:00:00Z')).toBe(true);
  });

  it('DayWeekInMonth: first, second, third, fourth and last', () => {
    const c = (dayOfWeek: 'MONDAY' | 'FRIDAY', dayInMonth: 'FIRST' | 'SECOND' | 'THIRD' | 'FOURTH' | 'LAST') => ({ type: `${C}DayWeekInMonth` as const, dayOfWeek, dayInMonth });
    expect(calendarPasses(c('MONDAY', 'FIRST'), '2024-07-01T06:00:00Z')).toBe(true);
    expect(calendarPasses(c('MONDAY', 'SECOND'), '2024-07-08T06:00:00Z')).toBe(true);
    expect(calendarPasses(c('MONDAY', 'FIRST'), '2024-07-08T06:00:00Z')).toBe(false);
    expect(calendarPasses(c('MONDAY', 'FOURTH'), '2024-07-22T06:00:00Z')).toBe(true);
    expect(calendarPasses(c('MONDAY', 'LAST'), '2024-07-29T06:00:00Z')).toBe(true);
    expect(calendarPasses(c('MONDAY', 'LAST'), '2024-07-22T06:00:00Z')).toBe(false);
    expect(calendarPasses(c('FRIDAY', 'LAST'), '2024-02-23T06:00:00Z')).toBe(true);
  });

  it("TimeBetween: strictly after `after` and before `before`, compared as Kestra's OffsetTime", async () => {
    const between = (after?: string, before?: string) => [{ type: `${C}TimeBetween` as const, ...(after ? { after } : {}), ...(before ? { before } : {}) }];
    expect(await starts(between('06:00:00Z', '07:00:00Z'), '2024-07-01T06:30:00Z')).toBe(true);
    expect(await starts(between('06:30:00Z'), '2024-07-01T06:30:00Z')).toBe(false);
    expect(await starts(between(undefined, '07:00:00Z'), '2024-07-01T08:00:00Z')).toBe(false);
    // 08:30 in Paris is 06:30Z: after 06:00Z.
    expect(await starts(between('06:00:00Z'), '2024-07-01T06:30:00Z', 'Europe/Paris')).toBe(true);
    // Without an offset, the time is read on the tick's own (Paris) clock.
    expect(await starts(between('08:00:00', '09:00:00'), '2024-07-01T06:30:00Z', 'Europe/Paris')).toBe(true);
    expect(await starts(between('08:00:00', '09:00:00'), '2024-07-01T06:30:00Z')).toBe(false);
  });

  it('Weekend, Not and Or', async () => {
    expect(await starts([{ type: `${C}Weekend` }], '2024-07-06T10:00:00Z')).toBe(true);
    expect(await starts([{ type: `${C}Weekend` }], '2024-07-05T10:00:00Z')).toBe(false);
    expect(await starts([{ type: `${C}Not`, conditions: [{ type: `${C}Weekend` }] }], '2024-07-05T10:00:00Z')).toBe(true);
    const mondayOrFriday = [{ type: `${C}Or` as const, conditions: [{ type: `${C}DayWeek` as const, dayOfWeek: 'MONDAY' as const }, { type: `${C}DayWeek` as const, dayOfWeek: 'FRIDAY' as const }] }];
    expect(await starts(mondayOrFriday, '2024-07-05T10:00:00Z')).toBe(true);
    expect(await starts(mondayOrFriday, '2024-07-04T10:00:00Z')).toBe(false);
  });

  it('PublicHoliday, by country and subdivision', async () => {
    expect(await starts([{ type: `${C}PublicHoliday`, country: 'FR' }], '2024-07-14T10:00:00Z', 'Europe/Paris')).toBe(true);
    expect(await starts([{ type: `${C}PublicHoliday`, country: 'FR' }], '2024-07-15T10:00:00Z', 'Europe/Paris')).toBe(false);
    expect(await starts([{ type: `${C}Not`, conditions: [{ type: `${C}PublicHoliday`, country: 'US' }] }], '2024-07-04T15:00:00Z', 'America/New_York')).toBe(false);
    // Epiphany is a holiday in Bavaria, not in Berlin.
    expect(await starts([{ type: `${C}PublicHoliday`, country: 'DE', subDivision: 'BY' }], '2024-01-06T10:00:00Z', 'Europe/Berlin')).toBe(true);
    expect(await starts([{ type: `${C}PublicHoliday`, country: 'DE', subDivision: 'BE' }], '2024-01-06T10:00:00Z', 'Europe/Berlin')).toBe(false);
  });

  it('a date given explicitly is read as written; one that does not parse skips the tick', async () => {
    expect(await starts([{ type: `${C}Weekend`, date: '2024-07-06' }], '2024-07-01T10:00:00Z')).toBe(true);
    const decision = await schedule.fire(createTriggerContext(), { cron: '* * * * *', conditions: [{ type: `${C}Weekend`, date: 'soon' }] }, { date: new Date('2024-07-01T10:00:00Z') });
    expect(decision.kind === 'skip' && decision.reason).toMatch(/conditions\[0\] could not be evaluated: 'soon' is not an ISO-8601 date/);
  });

  it('refuses at save a holiday region the library does not know', () => {
    expect(checkConditions([{ type: `${C}PublicHoliday`, country: 'FR' }])).toEqual([]);
    expect(checkConditions([{ type: `${C}Or`, conditions: [{ type: `${C}PublicHoliday`, country: 'QQ' }] }])).toEqual([{ path: ['conditions', 0, 'conditions', 0, 'country'], message: 'no public holidays are known for QQ' }]);
    expect(checkConditions([{ type: `${C}PublicHoliday`, country: 'DE', subDivision: 'ZZ' }])[0]?.path).toEqual(['conditions', 0, 'subDivision']);
  });
});
