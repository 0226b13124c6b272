import type * as Crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

// Spy on the comparison to prove it is the constant-time one, over equal-length digests.
const spy = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof Crypto>();
  return {
    ...crypto,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      spy.calls.push([a.byteLength, b.byteLength]);
      return crypto.timingSafeEqual(a, b);
    },
  };
});

const { keysMatch } = await import('./key.js');

describe('keysMatch', () => {
  it('matches the same key', () => {
    expect(keysMatch('4wjtkzwVGBM9yKnjm3yv8r', '4wjtkzwVGBM9yKnjm3yv8r')).toBe(true);
  });

  it('is case-sensitive, like Kestra', () => {
    expect(keysMatch('Key', 'key')).toBe(false);
  });

  it('trims the rendered key but not the one from the URL', () => {
    expect(keysMatch('  abc\n', 'abc')).toBe(true);
    expect(keysMatch('abc', ' abc')).toBe(false);
  });

  it('never matches a blank rendered key, even against a blank URL key', () => {
    expect(keysMatch('', '')).toBe(false);
    expect(keysMatch('   ', '')).toBe(false);
  });

  it('refuses prefixes, extensions and unicode look-alikes', () => {
    expect(keysMatch('abcdef', 'abc')).toBe(false);
    expect(keysMatch('abc', 'abcdef')).toBe(false);
    expect(keysMatch('café', 'cafe\u0301')).toBe(false);
    expect(keysMatch('🚀', '🚀')).toBe(true);
  });

  it('compares 32-byte digests with timingSafeEqual, whatever the lengths of the keys', () => {
    spy.calls.length = 0;
    keysMatch('short', 'a much much longer key than the other one');
    keysMatch('x'.repeat(256), 'x');
    expect(spy.calls).toEqual([[32, 32], [32, 32]]);
  });

  it('stays right for keys it has seen, keys that changed, and more keys than it keeps digests of', () => {
    // The digests of rendered keys are kept; a key rendered from a secret can change between calls.
    expect(keysMatch('first', 'first')).toBe(true);
    expect(keysMatch('second', 'first')).toBe(false);
    expect(keysMatch('first', 'second')).toBe(false);
    let wrong = 0;
    for (let i = 0; i < 100_050; i++) if (keysMatch(`key-${i}`, i % 2 === 0 ? `key-${i}` : `key-${i - 1}`) !== (i % 2 === 0)) wrong++;
    expect(wrong).toBe(0);
    expect(keysMatch('first', 'first')).toBe(true);
    expect(keysMatch('key-3', 'key-3')).toBe(true);
  });
});
