import { createHash, randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const ID_LENGTH = 22;

// Random bytes are drawn 4 KiB at a time: one call into the CSPRNG per 256 ids instead of one
// per id (a webhook makes one id, and the call was a visible part of its cost).
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * A new id of 22 base62 characters from 128 random bits, the shape of Kestra's FriendlyId
 * (a random UUID in base62). Fixed length keeps ids sortable as strings and easy to validate.
 */
export function newId(): string {
  if (used + 16 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const id = idFromBytes(pool, used);
  // Each id takes bytes nobody else gets: zeroed as they are used, so they cannot leak through the pool.
  pool.fill(0, used, used + 16);
  used += 16;
  return id;
}

// Reused by every call: the digits of the number being converted, and the characters made.
const limbs = new Uint32Array(4);
const chars = new Uint8Array(ID_LENGTH);
const decoder = new TextDecoder('latin1');

/**
 * The 128-bit big-endian number at `bytes[offset..offset+16)` in base62, 22 digits, most
 * significant first. Long division over four 32-bit limbs in plain numbers (a remainder times
 * 2^32 plus a limb stays below 2^38, exact in a double): BigInt division allocated two BigInts
 * per digit, about 1.8 KB of garbage per id, and 16-bit limbs took twice the divisions.
 * @internal exported for tests
 */
export function idFromBytes(bytes: Uint8Array, offset: number): string {
  for (let i = 0; i < 4; i++) {
    const at = offset + 4 * i;
    limbs[i] = (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0;
  }
  for (let digit = ID_LENGTH - 1; digit >= 0; digit--) {
    let remainder = 0;
    for (let i = 0; i < 4; i++) {
      const value = remainder * 0x1_0000_0000 + (limbs[i] ?? 0);
      const quotient = Math.floor(value / 62);
      limbs[i] = quotient;
      remainder = value - quotient * 62;
    }
    chars[digit] = CODES[remainder] ?? 48;
  }
  return decoder.decode(chars);
}

const ID_PATTERN = /^[0-9A-Za-z]{22}$/;

/** True when `value` has the shape of an id made by {@link newId}. */
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/**
 * An id of the shape of {@link newId} derived from `parts` (a SHA-256 of them): every process
 * that derives it from the same event gets the same id, so the store's create-if-absent turns
 * an event handled twice into one execution.
 */
export function derivedId(...parts: readonly string[]): string {
  return idFromBytes(createHash('sha256').update(parts.join('\u0000')).digest(), 0);
}
