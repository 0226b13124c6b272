import { defineTrigger, renderTriggerInputs } from '@sluice/core';
import { assertSupportedConditions, checkConditions, scheduleVerdict } from './conditions.js';
import { DEFAULT_TIMEZONE, isoInZone, nextTick, previousTick } from './cron.js';
import { ScheduleProps, ScheduleVariables } from './schedule.schema.js';
import { scheduleExamples } from './schedule.examples.js';

/**
 * Kestra's `trigger.*` of a scheduled execution (Schedule.Output): the tick's date, the
 * calendar's next tick after it and previous tick before it, in the trigger's time zone.
 */
export function scheduleVariables(props: ScheduleProps, date: Date): ScheduleVariables {
  const timezone = props.timezone ?? DEFAULT_TIMEZONE;
  const next = nextTick(props, date);
  const previous = previousTick(props, date);
  return {
    date: isoInZone(date, timezone),
    ...(next === undefined ? {} : { next: isoInZone(next, timezone) }),
    ...(previous === undefined ? {} : { previous: isoInZone(previous, timezone) }),
  };
}

/**
 * `io.kestra.plugin.core.trigger.Schedule`: starts a flow on a cron schedule.
 * @public
 */
export const schedule = defineTrigger({
  mode: 'schedule',
  type: 'io.kestra.plugin.core.trigger.Schedule',
  aliases: ['io.kestra.core.models.triggers.types.Schedule'],
  title: 'Start a flow on a cron schedule',
  description:
    'Starts an execution at every tick of a cron expression (5 fields, or 6 with `withSeconds`, or a nickname such as `@hourly`), ' +
    'read in `timezone` (UTC by default). The host runs each tick exactly once across all its processes; ticks that fell due ' +
    'while Sluice was down run when it is back, in order (Kestra\'s `recoverMissedSchedules: ALL`). The execution gets ' +
    '`trigger.date`, `trigger.next` and `trigger.previous`; `conditions` (expressions, and Kestra\'s calendar conditions `DayWeek`, `DayWeekInMonth`, ' +
    '`TimeBetween`, `Weekend`, `PublicHoliday`, `Not`, `Or`) or `when` can skip a tick, and `inputs` feeds the flow\'s inputs.',
  props: ScheduleProps,
  variables: ScheduleVariables,
  examples: scheduleExamples,
  check: (props) => checkConditions(props.conditions ?? []),
  nextDate(props, after) {
    return nextTick(props, after);
  },
  fire(ctx, props, tick) {
    const variables = scheduleVariables(props, tick.date);
    // Kestra puts the dates under both names while it evaluates a schedule's conditions.
    const extra = { trigger: variables, schedule: variables };

    const conditions = props.conditions ?? [];
    assertSupportedConditions(conditions);
    const verdict = scheduleVerdict(ctx, conditions, props.when, extra);
    if (!verdict.ok) {
      ctx.logger.debug(`tick ${variables.date} skipped: ${verdict.reason}`);
      return { kind: 'skip', reason: verdict.reason };
    }

    let inputs: Record<string, unknown> | undefined;
    if (props.inputs !== undefined) {
      const rendered = renderTriggerInputs(ctx, props.inputs, extra);
      if (!rendered.ok) {
        const reason = `inputs failed to render: ${rendered.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
        ctx.logger.warn(`tick ${variables.date} skipped: ${reason}`);
        return { kind: 'skip', reason };
      }
      inputs = rendered.inputs;
    }
    return { kind: 'start', variables, ...(inputs === undefined ? {} : { inputs }) };
  },
});
