import { describe, expect, it } from 'vitest';
import { BRAND_KEY, TRIGGER_BRAND, isPluginPackage, isSluiceError, renderedBy } from '@sluice/core';
import { createTriggerContext } from '@sluice/plugin-testing';
import plugin, { isoInZone, nextTick, normalizeCron, previousTick, schedule, ScheduleProps, ScheduleVariables, scheduleErrors } from './index.js';

type Props = Parameters<typeof schedule.fire>[1];
const at = (iso: string) => new Date(iso);
const fire = (props: Partial<Props>, date: string, ctx = createTriggerContext()) =>
  schedule.fire(ctx, { cron: '*/15 * * * *', ...props }, { date: at(date) });

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isSluiceError(error) ? error.code : 'not a SluiceError';
  }
  return undefined;
}

describe('Schedule trigger: the package', () => {
  it("is a branded schedule trigger under Kestra's type and its legacy alias", () => {
    expect(isPluginPackage(plugin)).toBe(true);
    expect(schedule[BRAND_KEY]).toBe(TRIGGER_BRAND);
    expect(schedule.mode).toBe('schedule');
    expect(schedule.type).toBe('io.kestra.plugin.core.trigger.Schedule');
    expect(schedule.aliases).toEqual(['io.kestra.core.models.triggers.types.Schedule']);
  });

  it('documents every prop and variable, and lets the plugin render inputs, conditions and when', () => {
    for (const [name, prop] of Object.entries(ScheduleProps.properties)) expect(prop.description, name).toMatch(/\S/);
    for (const [name, prop] of Object.entries(ScheduleVariables.properties)) expect(prop.description, name).toMatch(/\S/);
    expect(renderedBy(ScheduleProps.properties.inputs)).toBe('plugin');
    expect(renderedBy(ScheduleProps.properties.when)).toBe('plugin');
    // The calendar is never a template: the host must compute it without a run context.
    expect(renderedBy(ScheduleProps.properties.cron)).toBeUndefined();
    expect(renderedBy(ScheduleProps.properties.timezone)).toBeUndefined();
  });
});

describe('Schedule trigger: the cron expression', () => {
  it('takes five fields, the next tick strictly after the given instant', () => {
    expect(nextTick({ cron: '*/15 * * * *' }, at('2024-07-01T06:00:00Z'))).toEqual(at('2024-07-01T06:15:00Z'));
    expect(nextTick({ cron: '*/15 * * * *' }, at('2024-07-01T06:14:59.999Z'))).toEqual(at('2024-07-01T06:15:00Z'));
    expect(previousTick({ cron: '*/15 * * * *' }, at('2024-07-01T06:15:00Z'))).toEqual(at('2024-07-01T06:00:00Z'));
    expect(schedule.nextDate({ cron: '30 6 * * *' }, at('2024-07-01T06:30:00Z'))).toEqual(at('2024-07-02T06:30:00Z'));
  });

  it('takes six fields, seconds first, with withSeconds', () => {
    expect(nextTick({ cron: '* * * * * *', withSeconds: true }, at('2024-07-01T06:00:01Z'))).toEqual(at('2024-07-01T06:00:02Z'));
    expect(nextTick({ cron: '*/10 * * * * *', withSeconds: true }, at('2024-07-01T06:00:00.500Z'))).toEqual(at('2024-07-01T06:00:10Z'));
  });

  it('refuses six fields without withSeconds and five with it, naming the count', () => {
    expect(() => normalizeCron({ cron: '* * * * * *' })).toThrow(/6 fields, expected 5 \(set withSeconds: true for six\)/);
    expect(() => normalizeCron({ cron: '* * * * *', withSeconds: true })).toThrow(/5 fields, expected 6/);
    expect(codeOf(() => normalizeCron({ cron: '* * * *' }))).toBe('SCHEDULE_INVALID_CRON');
  });

  it.each([
    ['@yearly', '2025-01-01T00:00:00Z'],
    ['@annually', '2025-01-01T00:00:00Z'],
    ['@monthly', '2024-08-01T00:00:00Z'],
    ['@weekly', '2024-07-07T00:00:00Z'],
    ['@daily', '2024-07-02T00:00:00Z'],
    ['@midnight', '2024-07-02T00:00:00Z'],
    ['@hourly', '2024-07-01T07:00:00Z'],
  ])("knows Kestra's nickname %s", (cron, next) => {
    expect(nextTick({ cron }, at('2024-07-01T06:00:00Z'))).toEqual(at(next));
    expect(nextTick({ cron, withSeconds: true }, at('2024-07-01T06:00:00Z'))).toEqual(at(next));
  });

  it.each(['@minutely', '@secondly', '@weekdays', '@reboot'])('refuses %s, which Kestra does not know', (cron) => {
    expect(() => normalizeCron({ cron })).toThrow(/unknown nickname; use one of @yearly/);
  });

  it('refuses values out of range and hashed values', () => {
    expect(() => normalizeCron({ cron: '61 * * * *' })).toThrow(/Constraint error/);
    expect(() => normalizeCron({ cron: 'H * * * *' })).toThrow(/'H'/);
    expect(() => normalizeCron({ cron: '0 0 * * THU' })).not.toThrow();
  });

  it('reads 0 and 7 as Sunday', () => {
    expect(nextTick({ cron: '0 0 * * 7' }, at('2024-07-01T00:00:00Z'))).toEqual(at('2024-07-07T00:00:00Z'));
    expect(nextTick({ cron: '0 0 * * 0' }, at('2024-07-01T00:00:00Z'))).toEqual(at('2024-07-07T00:00:00Z'));
  });

  it('has no next tick for a date that never comes', () => {
    expect(() => nextTick({ cron: '0 0 30 2 *' }, at('2024-07-01T00:00:00Z'))).toThrow(/invalid cron expression/);
  });
});

describe('Schedule trigger: the time zone', () => {
  it('reads the expression in UTC by default', () => {
    expect(nextTick({ cron: '0 9 * * *' }, at('2024-07-01T00:00:00Z'))).toEqual(at('2024-07-01T09:00:00Z'));
  });

  it('reads it in the given zone, across daylight saving time', () => {
    expect(nextTick({ cron: '0 9 * * *', timezone: 'Europe/Paris' }, at('2024-07-01T00:00:00Z'))).toEqual(at('2024-07-01T07:00:00Z'));
    expect(nextTick({ cron: '0 9 * * *', timezone: 'Europe/Paris' }, at('2024-01-15T00:00:00Z'))).toEqual(at('2024-01-15T08:00:00Z'));
    expect(nextTick({ cron: '0 9 * * *', timezone: 'America/New_York' }, at('2024-03-09T15:00:00Z'))).toEqual(at('2024-03-10T13:00:00Z'));
  });

  it('refuses a zone the platform does not know', () => {
    expect(codeOf(() => nextTick({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, at('2024-07-01T00:00:00Z')))).toBe('SCHEDULE_INVALID_TIMEZONE');
  });

  it('writes dates as Kestra serializes a ZonedDateTime: Z in UTC, the offset elsewhere', () => {
    expect(isoInZone(at('2024-07-01T06:30:00Z'))).toBe('2024-07-01T06:30:00Z');
    expect(isoInZone(at('2024-07-01T06:30:00Z'), 'Europe/Paris')).toBe('2024-07-01T08:30:00+02:00');
    expect(isoInZone(at('2024-01-01T06:30:00Z'), 'America/New_York')).toBe('2024-01-01T01:30:00-05:00');
    expect(isoInZone(at('2024-07-01T06:30:00Z'), 'Asia/Kolkata')).toBe('2024-07-01T12:00:00+05:30');
    expect(isoInZone(at('2024-07-01T23:30:00.250Z'), 'Asia/Tokyo')).toBe('2024-07-02T08:30:00.250+09:00');
  });
});

describe('Schedule trigger: fire', () => {
  it('starts with the tick date, and the next and previous ticks of the calendar', async () => {
    expect(await fire({}, '2024-07-01T06:15:00Z')).toEqual({
      kind: 'start',
      variables: { date: '2024-07-01T06:15:00Z', next: '2024-07-01T06:30:00Z', previous: '2024-07-01T06:00:00Z' },
    });
  });

  it('gives the dates in the trigger time zone', async () => {
    const decision = await fire({ cron: '0 9 * * *', timezone: 'Europe/Paris' }, '2024-07-01T07:00:00Z');
    expect(decision.kind === 'start' && decision.variables).toEqual({
      date: '2024-07-01T09:00:00+02:00', next: '2024-07-02T09:00:00+02:00', previous: '2024-06-30T09:00:00+02:00',
    });
  });

  it('skips a tick when a condition is false, and logs why at debug', async () => {
    const ctx = createTriggerContext();
    const decision = await fire({
      conditions: [{ type: 'io.kestra.plugin.core.condition.ExpressionCondition', expression: "{{ trigger.date | date('mm') == '30' }}" }],
    }, '2024-07-01T06:15:00Z', ctx);
    expect(decision).toEqual({ kind: 'skip', reason: 'conditions[0] is false' });
    expect(ctx.logs).toContainEqual(expect.objectContaining({ level: 'DEBUG', message: 'tick 2024-07-01T06:15:00Z skipped: conditions[0] is false' }));
  });

  it('starts when every condition and when hold; the dates are also under `schedule`, as in Kestra', async () => {
    const decision = await fire({
      conditions: [
        { type: 'io.kestra.plugin.core.condition.Expression', expression: "{{ schedule.date == '2024-07-01T06:15:00Z' }}" },
        { type: 'io.kestra.core.models.conditions.types.VariableCondition', expression: '{{ trigger.previous is defined }}' },
      ],
      when: "{{ trigger.date | date('HH') == '06' }}",
    }, '2024-07-01T06:15:00Z');
    expect(decision.kind).toBe('start');
  });

  it('skips when `when` is not truthy, and when a condition cannot be evaluated', async () => {
    expect(await fire({ when: '{{ false }}' }, '2024-07-01T06:15:00Z')).toEqual({ kind: 'skip', reason: 'when is false' });
    const decision = await fire({ when: '{{ trigger.nothing.deeper }}' }, '2024-07-01T06:15:00Z');
    expect(decision.kind === 'skip' && decision.reason).toMatch(/^when could not be evaluated/);
  });

  it('refuses a condition type it cannot evaluate rather than ignore it', () => {
    const props = { cron: '* * * * *', conditions: [{ type: 'io.kestra.plugin.core.condition.ExecutionStatus', in: ['SUCCESS'] }] } as unknown as Props;
    expect(codeOf(() => schedule.fire(createTriggerContext(), props, { date: at('2024-07-01T06:15:00Z') }))).toBe('SCHEDULE_UNSUPPORTED_CONDITION');
  });

  it("renders inputs with the tick's variables, deeply", async () => {
    const decision = await fire({ inputs: { day: "{{ trigger.date | date('yyyy-MM-dd') }}", nested: { list: ['{{ trigger.next }}', 3] }, n: 1 } }, '2024-07-01T06:15:00Z');
    expect(decision.kind === 'start' && decision.inputs).toEqual({ day: '2024-07-01', nested: { list: ['2024-07-01T06:30:00Z', 3] }, n: 1 });
  });

  it('skips, with a warning naming the input, when an input fails to render', async () => {
    const ctx = createTriggerContext();
    const decision = await fire({ inputs: { bad: '{{ trigger.missing.deeper }}' } }, '2024-07-01T06:15:00Z', ctx);
    expect(decision.kind === 'skip' && decision.reason).toMatch(/^inputs failed to render: inputs\.bad: /);
    expect(ctx.logs.some((line) => line.level === 'WARN' && line.message.includes('inputs.bad'))).toBe(true);
  });

  it('has error codes in one catalog', () => {
    expect(Object.keys(scheduleErrors.codes).sort()).toEqual(['SCHEDULE_INVALID_CRON', 'SCHEDULE_INVALID_TIMEZONE', 'SCHEDULE_UNSUPPORTED_CONDITION']);
  });
});
