// The ISO-8601 durations Java's `Duration.parse` reads, which is what Kestra accepts for its
// timeouts and TTLs: days, hours, minutes and (fractional) seconds, in any case (`PT30S`,
// `pt0.25s`). Here so every plugin reads them alike.
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

/**
 * The durations {@link durationMs} reads, as a JSON Schema pattern (no flags there, so both
 * cases are spelled out): for a plugin's props schema.
 * @public
 */
export const DURATION_PATTERN = '^[Pp](?=\\d|[Tt]\\d)(\\d+[Dd])?([Tt](?=\\d)(\\d+[Hh])?(\\d+[Mm])?(\\d+([.,]\\d+)?[Ss])?)?$';

/**
 * Milliseconds of an ISO-8601 duration as Kestra reads it (`PT30S`, `P1DT2H`, `pt0.25s`), or
 * `undefined` when `text` is not one.
 * @public
 */
export function durationMs(text: string): number | undefined {
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (!match || /T$/i.test(trimmed)) return undefined;
  const [, days, hours, minutes, seconds] = match;
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) return undefined;
  const n = (value: string | undefined) => (value === undefined ? 0 : Number(value.replace(',', '.')));
  return Math.round(((n(days) * 24 + n(hours)) * 60 + n(minutes)) * 60_000 + n(seconds) * 1000);
}

/**
 * Like {@link durationMs}, for a value the props schema already checked with
 * {@link DURATION_PATTERN}: throws a `RangeError` naming it when it is not a duration.
 * @public
 */
export function parseDuration(text: string): number {
  const ms = durationMs(text);
  if (ms === undefined) throw new RangeError(`'${text}' is not an ISO-8601 duration such as PT30S`);
  return ms;
}
