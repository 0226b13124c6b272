// The subset of ISO-8601 durations that Java's `Duration.parse` reads, which is what Kestra
// accepts for `timeout` and DURATION inputs: days, hours, minutes and (fractional) seconds.
// Years and months have no fixed length, so Kestra refuses them and so do we.
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

/**
 * Milliseconds of an ISO-8601 duration such as `PT30S`, `PT0.5S`, `PT5M` or `P1DT2H`, or
 * `undefined` when `text` is not one (including the empty `P` and `PT`).
 */
export function parseIsoDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const [, days, hours, minutes, seconds] = match;
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) return undefined;
  // A `T` with nothing after it (`P1DT`) is not a duration in Java either.
  if (/T$/i.test(text.trim())) return undefined;
  const n = (value: string | undefined) => (value === undefined ? 0 : Number(value.replace(',', '.')));
  return Math.round(((n(days) * 24 + n(hours)) * 60 + n(minutes)) * 60_000 + n(seconds) * 1000);
}
