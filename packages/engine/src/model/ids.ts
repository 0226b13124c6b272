import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A new id of 22 base62 characters from 128 random bits, the shape of Kestra's FriendlyId
 * (a random UUID in base62). Fixed length keeps ids sortable as strings and easy to validate.
 */
export function newId(): string {
  let n = BigInt(`0x${randomBytes(16).toString('hex')}`);
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
