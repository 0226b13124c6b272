import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

const keys = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('LruCache', () => {
  it('drops the least recently stored entry past its capacity', () => {
    const cache = new LruCache<number>(3);
    keys(4).forEach((key, i) => cache.set(key, i));
    expect(cache.size).toBe(3);
    expect(cache.get('k0')).toBeUndefined();
    expect(keys(4).slice(1).map((key) => cache.get(key))).toEqual([1, 2, 3]);
  });

  it('keeps an entry read while others stream in: a read moves an entry of the older half to the newest end', () => {
    const cache = new LruCache<string>(10);
    cache.set('hot', 'kept');
    for (const key of keys(200, 'cold')) {
      expect(cache.get('hot')).toBe('kept');
      cache.set(key, key);
    }
    expect(cache.get('hot')).toBe('kept');
    expect(cache.size).toBe(10);
    // The cold keys went oldest first: the newest nine are there.
    expect(keys(200, 'cold').filter((key) => cache.get(key) !== undefined)).toEqual(keys(200, 'cold').slice(-9));
  });

  it('drops an entry not read for as many inserts as its capacity', () => {
    const cache = new LruCache<number>(4);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    for (const key of keys(4)) cache.set(key, 0);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeUndefined();
  });

  it('replaces the value of a key stored again, as the newest entry', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3);
    cache.set('c', 4);
    expect(cache.get('a')).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    cache.grow(5);
    keys(3).forEach((key) => cache.set(key, 0));
    expect(cache.size).toBe(5);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
