/**
 * Instants, zones and local fields for the date filters. A JavaScript Date holds milliseconds in
 * UTC only, so an instant here is epoch seconds plus nanoseconds (Kestra prints microseconds) and
 * zone offsets come from Intl, which knows the IANA database.
 */
import type { CallContext } from './registry.js';

/** A time zone: an IANA region (`Europe/Paris`, `UTC`) or a fixed offset in minutes. */
export interface Zone {
  readonly id: string | undefined;
  readonly fixedMinutes: number | undefined;
}

/** An instant, and the zone its local fields are read in. */
export interface ZonedTime {
  readonly seconds: number;
  readonly nano: number;
  readonly zone: Zone;
}

/** Local calendar fields; `month` is 1-12. */
export interface LocalFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** Local fields plus what formatting needs. `weekday` is 1 (Monday) to 7 (Sunday), as in Java. */
export interface Fields extends LocalFields {
  readonly nano: number;
  readonly weekday: number;
  readonly dayOfYear: number;
  readonly offsetMinutes: number;
  readonly zone: Zone;
}

/** The default zone: Kestra uses the JVM's, which in a container is UTC; we always use UTC. */
export const UTC: Zone = Object.freeze({ id: undefined, fixedMinutes: 0 });

const OFFSET = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;
const MAX_CACHED = 256;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Resolves a zone name: `Z`, an offset such as `+02:00`, or an IANA id. */
export function zoneOf(name: unknown, ctx: CallContext): Zone {
  if (name === undefined || name === null) return UTC;
  if (typeof name !== 'string') return ctx.fail('timeZone must be a string');
  if (name === 'Z') return UTC;
  const offset = OFFSET.exec(name);
  if (offset !== null) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    if (minutes > 18 * 60) return ctx.fail(`invalid time zone offset '${name}'`);
    return { id: undefined, fixedMinutes: offset[1] === '-' ? -minutes : minutes };
  }
  formatter(name, ctx);
  return { id: name, fixedMinutes: undefined };
}

function formatter(id: string, ctx: CallContext): Intl.DateTimeFormat {
  let found = formatters.get(id);
  if (found !== undefined) return found;
  try {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return ctx.fail(`unknown time zone '${id}'`);
  }
  // Zone names come from templates; keep the cache bounded whatever they ask for.
  if (formatters.size >= MAX_CACHED) formatters.clear();
  formatters.set(id, found);
  return found;
}

/** The zone's offset from UTC, in minutes, at `epochMs`. */
export function offsetAt(zone: Zone, epochMs: number, ctx: CallContext): number {
  if (zone.fixedMinutes !== undefined || zone.id === undefined) return zone.fixedMinutes ?? 0;
  const parts = formatter(zone.id, ctx).formatToParts(new Date(epochMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** Local fields of an instant in its zone. */
export function fieldsOf(time: ZonedTime, ctx: CallContext): Fields {
  const ms = time.seconds * 1000;
  const offsetMinutes = offsetAt(time.zone, ms, ctx);
  const local = new Date(ms + offsetMinutes * 60_000);
  if (Number.isNaN(local.getTime())) return ctx.fail('date out of range');
  const startOfYear = Date.UTC(local.getUTCFullYear(), 0, 1);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    nano: time.nano,
    weekday: ((local.getUTCDay() + 6) % 7) + 1,
    dayOfYear: Math.floor((local.getTime() - startOfYear) / 86_400_000) + 1,
    offsetMinutes,
    zone: time.zone,
  };
}

/** Epoch seconds of local fields in `zone` (the earlier instant in a DST overlap, as Java does). */
export function secondsOf(local: LocalFields, zone: Zone, ctx: CallContext): number {
  const date = new Date(0);
  date.setUTCFullYear(local.year, local.month - 1, local.day);
  date.setUTCHours(local.hour, local.minute, local.second, 0);
  const asUtc = date.getTime();
  if (Number.isNaN(asUtc)) return ctx.fail('date out of range');
  const first = offsetAt(zone, asUtc, ctx);
  let ms = asUtc - first * 60_000;
  const second = offsetAt(zone, ms, ctx);
  if (second !== first) ms = asUtc - second * 60_000;
  return Math.floor(ms / 1000);
}

/** The Date nearest to an instant (Dates hold milliseconds only). */
export function toDate(time: ZonedTime): Date {
  return new Date(time.seconds * 1000 + Math.floor(time.nano / 1_000_000));
}
