import { Dynamic, Type, type Static } from '@sluice/core';
import { ScheduleCondition } from './conditions.js';
import { DEFAULT_TIMEZONE } from './cron.js';

/** Props of the Schedule trigger (the envelope `id`, `type`, `disabled`, `labels`, `stopAfter` is the host's). */
export const ScheduleProps = Type.Object(
  {
    cron: Type.String({
      minLength: 1,
      maxLength: 256,
      // Five or six fields, or a nickname; the exact rules are checked when the flow is scheduled.
      pattern: '^\\s*(@[A-Za-z]+|\\S+(\\s+\\S+){4,5})\\s*$',
      description:
        'A unix cron expression with 5 fields (minute, hour, day of month, month, day of week), or 6 with `withSeconds: true` (seconds first). ' +
        'Both `0` and `7` are Sunday. Or a nickname: `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`.',
    }),
    withSeconds: Type.Optional(
      Type.Boolean({ default: false, description: 'The cron expression has a 6th field, first, for seconds: `*/10 * * * * *` ticks every 10 seconds.' }),
    ),
    timezone: Type.Optional(
      Type.String({
        default: DEFAULT_TIMEZONE,
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9_+\\-/]+$',
        description:
          'The IANA time zone the cron expression is read in, e.g. `Europe/Paris`; also the zone of the `trigger.*` dates. ' +
          "Default `Etc/UTC` (Kestra's default is the server's zone, which its images set to UTC).",
      }),
    ),
    inputs: Type.Optional(
      Dynamic(
        Type.Record(Type.String(), Type.Unknown(), {
          description: "Values for the flow's inputs. Every string inside is rendered with the tick's variables (`{{ trigger.date }}`), then validated against the flow's input declarations.",
        }),
        { renderedBy: 'plugin' },
      ),
    ),
    conditions: Type.Optional(
      Type.Array(ScheduleCondition, {
        description:
          "Kestra 1.x conditions, evaluated against the tick's date in the trigger's time zone: expression conditions, `DayWeek`, `DayWeekInMonth`, " +
          '`TimeBetween`, `Weekend`, `PublicHoliday`, and `Not`/`Or` over those. When one is false the tick starts nothing. Execution conditions ' +
          '(`ExecutionStatus`, ...) belong to the Flow trigger and are refused here.',
      }),
    ),
    when: Type.Optional(
      Dynamic(
        Type.String({
          description: "Kestra 2.0's condition: a template evaluated with the tick's variables. When it is not truthy the tick starts nothing.",
        }),
        { renderedBy: 'plugin' },
      ),
    ),
    recoverMissedSchedules: Type.Optional(
      Type.Literal('ALL', {
        description:
          "What to do with ticks that fell due while no Sluice process ran: `ALL` (Kestra's default) starts each of them, late and in order. " +
          "Kestra's `LAST` and `NONE` are not supported yet.",
      }),
    ),
  },
  { additionalProperties: false },
);
/** Props of the Schedule trigger, as `nextDate` and `fire` get them. */
export type ScheduleProps = Static<typeof ScheduleProps>;

/** The variables of an execution started by a schedule: `trigger.date`, `trigger.next`, `trigger.previous`. */
export const ScheduleVariables = Type.Object(
  {
    date: Type.String({ description: 'The date the tick was due (not when it ran), ISO-8601 in the trigger\'s time zone, e.g. `2024-07-01T06:30:00Z`.' }),
    next: Type.Optional(Type.String({ description: 'The date of the tick after it, ISO-8601 in the trigger\'s time zone.' })),
    previous: Type.Optional(Type.String({ description: 'The date of the tick before it in the calendar, ISO-8601 in the trigger\'s time zone.' })),
  },
  { description: 'The tick that started the execution.' },
);
/** The variables of an execution started by a schedule. */
export type ScheduleVariables = Static<typeof ScheduleVariables>;
