import { describe, expect, it } from 'vitest';
import { nestedDeeperThan } from './json-scan.js';

describe('nestedDeeperThan', () => {
  it('counts nesting of objects and arrays, not brackets inside strings', () => {
    expect(nestedDeeperThan('{"a":[1,{"b":2}]}', 3)).toBe(false);
    expect(nestedDeeperThan('{"a":[1,{"b":2}]}', 2)).toBe(true);
    expect(nestedDeeperThan('{"a":"[[[[[[[[[[[[[["}', 2)).toBe(false);
    expect(nestedDeeperThan('{"a":"\\"[[[[[[[[["}', 2)).toBe(false);
  });

  it('stops at the first bracket past the limit: 10 MiB of [ costs what 129 do', () => {
    expect(nestedDeeperThan('['.repeat(10 * 1024 * 1024), 128)).toBe(true);
  });
});
