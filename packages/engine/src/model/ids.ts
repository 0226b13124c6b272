import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

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
  let n = pool.readBigUInt64BE(used) << 64n | pool.readBigUInt64BE(used + 8);
  // Each id takes bytes nobody else gets: zeroed as they are used, so they cannot leak through the pool.
  pool.fill(0, used, used + 16);
  used += 16;
  let out = '';
  for (let i = 0; i < 22; i++) {
    out = ALPHABET[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

const ID_PATTERN = /^[0-9A-Za-z]{22}$/;

/** True when `value` has the shape of an id made by {@link newId}. */
export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
