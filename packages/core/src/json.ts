/**
 * JSON that keeps integers past 2^53 exact. `JSON.parse` reads `9007199254740993` as
 * `9007199254740992`; Kestra (Jackson) keeps it. Here such an integer becomes a `bigint`, and
 * {@link stringifyJson} writes it back digit for digit.
 *
 * The common path costs next to nothing: a sampling scan looks for a run of 16 digits, and
 * only text that has one is scanned properly (skipping strings) and, if a long
 * number stands outside strings, parsed by `lossless-json` (kept up to date, typed, ESM, with a
 * hook for how each number is made: josdejong's library, also behind JSON Editor Online).
 * Writing tries `JSON.stringify` first, which refuses a `bigint` at once, so values without one
 * never take the slow path.
 */
import { isInteger, isSafeNumber, parse, stringify } from 'lossless-json';

/** 2^53 has 16 digits; every integer of 15 digits or fewer is exact as a double. */
const LONG = 16;

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/**
 * True when `text` has a run of 16 digits anywhere, strings included. Any such run covers one
 * of every 16th character, so only those are looked at, and the run around a digit is measured
 * both ways: about a sixteenth of the text is read, several times faster than `/\d{16}/`.
 */
function hasDigitRun(text: string): boolean {
  for (let i = LONG - 1; i < text.length; i += LONG) {
    if (!isDigit(text.charCodeAt(i))) continue;
    let start = i;
    let end = i;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
    while (end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) end++;
    if (end - start + 1 >= LONG) return true;
    // Go on from the last sampled position inside the run.
    i += LONG * Math.floor((end - i) / LONG);
  }
  return false;
}

/** True when a run of 16 or more digits stands outside JSON strings in `text`. */
function hasLongNumber(text: string): boolean {
  let inString = false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c >= 0x30 && c <= 0x39) {
      if (++digits >= LONG) return true;
      continue;
    }
    digits = 0;
    if (c === 0x22) inString = true;
  }
  return false;
}

/**
 * True when `text` holds a number that `JSON.parse` may not read exactly (16 or more digits in a
 * row outside strings): the quick check {@link parseJson} makes, for code that got a value from
 * `JSON.parse` elsewhere and must decide whether to read it again.
 * @public
 */
export function hasLongNumbers(text: string): boolean {
  return hasDigitRun(text) && hasLongNumber(text);
}

/** An integer too large for a double becomes a `bigint`; every other number is a `number`, as `JSON.parse` makes it. */
function parseNumber(text: string): number | bigint {
  return isInteger(text) && !isSafeNumber(text) ? BigInt(text) : Number(text);
}

/**
 * Parses JSON text as `JSON.parse` does, except that integers beyond `Number.MAX_SAFE_INTEGER`
 * become `bigint`s, exact. Throws a `SyntaxError` on invalid JSON, as `JSON.parse` does.
 * @public
 */
export function parseJson(text: string): unknown {
  if (!hasLongNumbers(text)) return JSON.parse(text) as unknown;
  return parse(text, null, parseNumber);
}

/**
 * Writes JSON as `JSON.stringify` does, with `bigint`s written as their digits (where
 * `JSON.stringify` throws), so what {@link parseJson} read comes back unchanged.
 * @public
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError) || !/BigInt/i.test(error.message)) throw error;
    return stringify(value) as string;
  }
}

/**
 * How deep JSON that Sluice takes from outside may nest: below what every later step handles
 * (V8's `structuredClone`, which the embedded runtime copies with, fails near 2,000 levels;
 * templates walk values 200 deep), far above what real payloads use.
 * @public
 */
export const MAX_JSON_DEPTH = 128;

/**
 * True when some object or array of `text` opens more than `maxDepth` levels deep (brackets
 * inside strings do not count). One loop with a counter, no recursion and no allocation, that
 * stops at the first bracket past the limit: a 10 MiB `[[[[...` costs what 129 brackets do.
 * Run it before parsing text from outside; text that is not JSON scans harmlessly.
 * @public
 */
export function nestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
