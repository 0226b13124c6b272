import { DURATION_PATTERN, parseDuration, Type, type PropsProblem, type Static, type TriggerWindowEntry } from '@sluice/core';

const TIME_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?$';
const DAY_MS = 86_400_000;
const duration = (description: string) => Type.String({ pattern: DURATION_PATTERN, description });
const timeOfDay = (description: string) => Type.String({ pattern: TIME_PATTERN, description: `${description} \`HH:mm\` or \`HH:mm:ss\`, UTC.` });

/** The window types, as Kestra names them. */
export const WINDOW_TYPES = ['DURATION_WINDOW', 'SLIDING_WINDOW', 'DAILY_TIME_WINDOW', 'DAILY_TIME_DEADLINE'] as const;

/** Kestra's `timeWindow`: the period in which the preconditions must all be met. */
export const TimeWindow = Type.Object(
  {
    type: Type.Optional(Type.Union(WINDOW_TYPES.map((type) => Type.Literal(type)), {
      default: 'DURATION_WINDOW',
      description:
        '`DURATION_WINDOW`: back-to-back windows of `window` (default `P1D`), aligned on midnight UTC and shifted by `windowAdvance`. ' +
        '`SLIDING_WINDOW`: every precondition met within `window` (default `P1D`) of one another. `DAILY_TIME_WINDOW`: between `startTime` and ' +
        '`endTime` each day. `DAILY_TIME_DEADLINE`: from midnight until `deadline` each day. An execution counts in the window its end date falls in.',
    })),
    window: Type.Optional(duration('The length of a `DURATION_WINDOW` or `SLIDING_WINDOW`, ISO-8601 (`PT6H`). Default `P1D`.')),
    windowAdvance: Type.Optional(duration('How far a `DURATION_WINDOW` is shifted from midnight UTC, ISO-8601: `window: P1D` with `windowAdvance: PT6H` runs 06:00 to 06:00.')),
    deadline: Type.Optional(timeOfDay('The daily deadline of `DAILY_TIME_DEADLINE`,')),
    startTime: Type.Optional(timeOfDay('The daily start of `DAILY_TIME_WINDOW`,')),
    endTime: Type.Optional(timeOfDay('The daily end of `DAILY_TIME_WINDOW`, after `startTime`,')),
  },
  { additionalProperties: false, description: 'The period in which the preconditions must all be met. Default: a `DURATION_WINDOW` of one day from midnight UTC.' },
);
export type TimeWindow = Static<typeof TimeWindow>;

/** Which fields each window type takes and needs, as Kestra's TimeWindowValidator checks them. */
const FIELDS: Record<(typeof WINDOW_TYPES)[number], { takes: readonly (keyof TimeWindow)[]; needs: readonly (keyof TimeWindow)[] }> = {
  DURATION_WINDOW: { takes: ['window', 'windowAdvance'], needs: [] },
  SLIDING_WINDOW: { takes: ['window'], needs: [] },
  DAILY_TIME_WINDOW: { takes: ['startTime', 'endTime'], needs: ['startTime', 'endTime'] },
  DAILY_TIME_DEADLINE: { takes: ['deadline'], needs: ['deadline'] },
};

/** Milliseconds since midnight of a checked `HH:mm[:ss[.fff]]`. */
function timeMs(text: string): number {
  const [h, m, s = '0'] = text.split(':');
  return (Number(h) * 60 + Number(m)) * 60_000 + Math.round(Number(s) * 1000);
}

/** What is wrong with a time window as written, at its paths under `at`. */
export function checkTimeWindow(window: TimeWindow, at: readonly (string | number)[]): PropsProblem[] {
  const type = window.type ?? 'DURATION_WINDOW';
  const { takes, needs } = FIELDS[type];
  const problems: PropsProblem[] = [];
  for (const field of ['window', 'windowAdvance', 'deadline', 'startTime', 'endTime'] as const) {
    if (window[field] !== undefined && !takes.includes(field)) problems.push({ path: [...at, field], message: `a ${type} takes no \`${field}\` (it takes ${takes.map((f) => `\`${f}\``).join(', ') || 'nothing else'})` });
  }
  for (const field of needs) if (window[field] === undefined) problems.push({ path: [...at], message: `a ${type} needs \`${field}\`` });
  if (window.window !== undefined && parseDuration(window.window) <= 0) problems.push({ path: [...at, 'window'], message: 'the window must be longer than zero' });
  if (type === 'DAILY_TIME_WINDOW' && window.startTime !== undefined && window.endTime !== undefined && timeMs(window.endTime) <= timeMs(window.startTime)) {
    problems.push({ path: [...at, 'endTime'], message: `endTime ${window.endTime} is not after startTime ${window.startTime}: the window would never be open` });
  }
  if (type === 'DAILY_TIME_DEADLINE' && window.deadline !== undefined && timeMs(window.deadline) === 0) problems.push({ path: [...at, 'deadline'], message: 'a deadline of midnight leaves no time in the day' });
  return problems;
}

/**
 * The window an execution that ended at `at` (epoch ms) falls in, or `undefined` when it falls
 * in none (before a daily window opens or after it closes). Days are UTC days.
 */
export function windowAt(window: TimeWindow | undefined, at: number): TriggerWindowEntry['bounds'] | undefined {
  const type = window?.type ?? 'DURATION_WINDOW';
  const length = window?.window !== undefined ? parseDuration(window.window) : DAY_MS;
  const midnight = Math.floor(at / DAY_MS) * DAY_MS;
  let bounds: { start: number; end: number };
  switch (type) {
    case 'SLIDING_WINDOW':
      return { slidingMs: length };
    case 'DURATION_WINDOW': {
      const advance = window?.windowAdvance !== undefined ? parseDuration(window.windowAdvance) : 0;
      const start = Math.floor((at - advance) / length) * length + advance;
      bounds = { start, end: start + length };
      break;
    }
    case 'DAILY_TIME_WINDOW':
      bounds = { start: midnight + timeMs(window?.startTime ?? '00:00'), end: midnight + timeMs(window?.endTime ?? '00:00') };
      break;
    case 'DAILY_TIME_DEADLINE':
      bounds = { start: midnight, end: midnight + timeMs(window?.deadline ?? '00:00') };
      break;
  }
  return at >= bounds.start && at < bounds.end ? bounds : undefined;
}
