/**
 * One pass over JSON text, before it is parsed: how deep it nests and whether it holds integers
 * too long to be exact as JavaScript numbers. A loop over characters with a counter, no
 * recursion and no allocation, so a 10 MiB `[[[[...` costs a few milliseconds and never a
 * stack: it stops at the first bracket past the limit.
 */

/** What {@link scanJson} found. */
export interface JsonScan {
  /** Some bracket opened past `maxDepth`; the scan stopped there. */
  readonly tooDeep: boolean;
  /** Some run of digits outside strings is 16 or more long: a number that may not fit a double exactly. */
  readonly longNumbers: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * 2^53 has 16 digits: every integer of 15 digits or fewer is exact as a double, so only longer
 * runs need the lossless parser. A run in a fraction or exponent also counts: rare, and the
 * lossless parser then decides number by number.
 */
const SAFE_DIGITS = 15;

/** Scans `text` as JSON for nesting deeper than `maxDepth` and for long numbers. Text that is not JSON scans harmlessly. */
export function scanJson(text: string, maxDepth: number): JsonScan {
  let depth = 0;
  let inString = false;
  let digits = 0;
  let longNumbers = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c >= ZERO && c <= NINE) {
      if (++digits > SAFE_DIGITS) longNumbers = true;
      continue;
    }
    digits = 0;
    if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return { tooDeep: true, longNumbers };
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return { tooDeep: false, longNumbers };
}
