// The ISO-8601 durations Java's `Duration.parse` reads, which is what Kestra writes for
// `interval`, `pollDuration` and `maxDuration` (`PT30S`, `PT0.5S`, `P1D`). A plugin imports
// only @sluice/core, so each broker trigger package reads them itself (as core-http does).
const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

/** The same rule as a JSON Schema pattern, so a wrong duration is refused at save. */
export const DURATION_PATTERN = '^[Pp](?=\\d|[Tt]\\d)(\\d+[Dd])?([Tt](?=\\d)(\\d+[Hh])?(\\d+[Mm])?(\\d+([.,]\\d+)?[Ss])?)?$';

/** Milliseconds of an ISO-8601 duration; throws on anything else (the schema refused it already). */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || /T$/i.test(text.trim())) throw new RangeError(`'${text}' is not an ISO-8601 duration such as PT30S`);
  const [, days, hours, minutes, seconds] = match;
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) {
    throw new RangeError(`'${text}' is not an ISO-8601 duration such as PT30S`);
  }
  const n = (value: string | undefined) => (value === undefined ? 0 : Number(value.replace(',', '.')));
  return Math.round(((n(days) * 24 + n(hours)) * 60 + n(minutes)) * 60_000 + n(seconds) * 1000);
}
