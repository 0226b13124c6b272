// Kestra's `interval` is a java.time.Duration: days, hours, minutes and (fractional) seconds.
// A plugin imports only @sluice/core, so it reads them itself.
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

/** Milliseconds of an ISO-8601 duration such as `PT60S`, or `undefined` when it is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || /T$/i.test(text.trim()) || match.slice(1).every((part) => part === undefined)) return undefined;
  const [, days, hours, minutes, seconds] = match;
  const n = (value: string | undefined) => (value === undefined ? 0 : Number(value.replace(',', '.')));
  return Math.round(((n(days) * 24 + n(hours)) * 60 + n(minutes)) * 60_000 + n(seconds) * 1000);
}
