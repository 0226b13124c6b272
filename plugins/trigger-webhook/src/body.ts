import { Buffer } from 'node:buffer';
import { MAX_JSON_DEPTH, nestedDeeperThan, parseJson } from '@sluice/core';
import { webhookErrors } from './errors.js';

/**
 * How deep a JSON body may nest: `@sluice/core`'s {@link MAX_JSON_DEPTH}, below what every later
 * step handles, so anything accepted can be stored, run and rendered whole. Checked by a scan
 * before parsing, so a deeper body costs a few milliseconds.
 */
export const MAX_BODY_DEPTH = MAX_JSON_DEPTH;

/**
 * Turns a request body into Kestra's `trigger.body` (kestra.md §1.6-1.7):
 * - no bytes: `null` (a GET, or a POST without a body);
 * - a textual content type: the decoded text, parsed as a JSON object, else a JSON array, else
 *   kept as the raw string. A JSON scalar (`42`, `"bla"`) stays the raw string, as in Kestra,
 *   and so does invalid JSON, even under `application/json`;
 * - any other content type: the bytes in base64, so binary bodies survive JSON storage.
 *
 * @throws `WEBHOOK_BODY_TOO_DEEP` when textual JSON nests deeper than {@link MAX_BODY_DEPTH}.
 */
export function bodyVariable(body: Uint8Array, contentType: string | undefined): unknown {
  if (body.byteLength === 0) return null;
  const media = parseContentType(contentType);
  if (!isTextual(media.type)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64');
  return parseText(decode(body, media.charset));
}

/** A content type split into its lower-cased media type and its charset parameter. */
export interface MediaType {
  /** `type/subtype`, lower-cased; empty when there was no content type. */
  readonly type: string;
  /** The `charset` parameter, lower-cased, when present. */
  readonly charset?: string;
}

/** Splits `text/plain; charset=ISO-8859-1` into `text/plain` and `iso-8859-1`. */
export function parseContentType(header: string | undefined): MediaType {
  if (header === undefined) return { type: '' };
  const [type = '', ...params] = header.split(';');
  let charset: string | undefined;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return charset === undefined ? { type: type.trim().toLowerCase() } : { type: type.trim().toLowerCase(), charset };
}

/**
 * Kestra 2.0's list of textual types: none at all, `text/*`, JSON and XML (with their `+json`
 * and `+xml` suffixes), form-urlencoded (kept raw, never parsed into fields), and any `yaml` or
 * `csv` subtype. Everything else is binary.
 */
export function isTextual(mediaType: string): boolean {
  if (mediaType === '') return true;
  const slash = mediaType.indexOf('/');
  if (slash < 0) return false;
  const top = mediaType.slice(0, slash);
  const sub = mediaType.slice(slash + 1);
  if (top === 'text') return true;
  if (sub === 'json' || sub.endsWith('+json') || sub === 'xml' || sub.endsWith('+xml')) return true;
  if (sub === 'x-www-form-urlencoded') return true;
  return sub === 'yaml' || sub === 'x-yaml' || sub.endsWith('+yaml') || sub === 'csv';
}

/** Not fatal and not streaming, so one decoder serves every request. */
const UTF8 = new TextDecoder('utf-8');

const LATIN1 = new Set(['iso-8859-1', 'latin1', 'l1', 'iso_8859-1', 'us-ascii', 'ascii']);

/**
 * UTF-8 unless the request names Latin-1. Other charsets fall back to UTF-8 rather than
 * failing: a trigger must not refuse a request over a label it cannot honour. Node's
 * `latin1` is true ISO-8859-1, unlike TextDecoder's `latin1`, which is windows-1252.
 */
function decode(body: Uint8Array, charset: string | undefined): string {
  if (charset !== undefined && LATIN1.has(charset)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  // TextDecoder drops a leading byte-order mark, which JSON.parse would choke on.
  return UTF8.decode(body);
}

/** Kestra tries a Map, then a List, then keeps the String. */
function parseText(text: string): unknown {
  if (nestedDeeperThan(text, MAX_BODY_DEPTH)) throw webhookErrors.WEBHOOK_BODY_TOO_DEEP(MAX_BODY_DEPTH, { details: { limit: MAX_BODY_DEPTH } });
  let parsed: unknown;
  try {
    // Integers past 2^53 stay exact (as bigints), as Kestra keeps them; other bodies parse as JSON.parse does.
    parsed = parseJson(text);
  } catch {
    return text;
  }
  return typeof parsed === 'object' && parsed !== null ? parsed : text;
}

/** Header values by lower-cased name; repeated names (in any case) keep every value in order. */
export function headersVariable(headers: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [name, values] of Object.entries(headers)) {
    const key = name.toLowerCase();
    out.set(key, [...(out.get(key) ?? []), ...values]);
  }
  return Object.fromEntries(out);
}

/** Query parameters, each with all its values: `?age=12&age=13` gives `{ age: ['12', '13'] }`. */
export function parametersVariable(query: Readonly<Record<string, readonly string[]>>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(query).map(([name, values]) => [name, [...values]]));
}
