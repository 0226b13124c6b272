import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idFromBytes, isId, newId } from './ids.js';

/** The conversion by BigInt, as ids were first made: the reference the fast one must equal. */
function reference(bytes: Uint8Array, offset: number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let n = 0n;
  for (let i = 0; i < 16; i++) n = (n << 8n) | BigInt(bytes[offset + i] ?? 0);
  let out = '';
  for (let i = 0; i < 22; i++) {
    out = alphabet[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

describe('ids', () => {
  it('writes 128 bits as the same 22 base62 digits as the BigInt conversion', () => {
    const edges = [new Uint8Array(16), new Uint8Array(16).fill(255), Uint8Array.from({ length: 16 }, (_, i) => i), Uint8Array.from([0x80, ...new Array<number>(15).fill(0)]),
      // The top bit of every 32-bit limb: read as unsigned.
      Uint8Array.from({ length: 16 }, (_, i) => (i % 4 === 0 ? 0x80 : 0))];
    for (const bytes of edges) expect(idFromBytes(bytes, 0)).toBe(reference(bytes, 0));
    expect(idFromBytes(new Uint8Array(16), 0)).toBe('0'.repeat(22));
    expect(idFromBytes(new Uint8Array(16).fill(255), 0)).toBe('7n42DGM5Tflk9n8mt7Fhc7');
    const random = randomBytes(16 * 2000);
    for (let offset = 0; offset < random.length; offset += 16) expect(idFromBytes(random, offset)).toBe(reference(random, offset));
  });

  it('makes distinct ids of the documented shape', () => {
    const ids = Array.from({ length: 5000 }, () => newId());
    expect(ids.every(isId)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(isId('0'.repeat(21))).toBe(false);
    expect(isId(`${'0'.repeat(21)}-`)).toBe(false);
  });
});
