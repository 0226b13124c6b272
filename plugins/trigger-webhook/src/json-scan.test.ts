import { describe, expect, it } from 'vitest';
import { scanJson } from './json-scan.js';

describe('scanJson', () => {
  it('counts nesting of objects and arrays, not brackets inside strings', () => {
    expect(scanJson('{"a":[1,{"b":2}]}', 3).tooDeep).toBe(false);
    expect(scanJson('{"a":[1,{"b":2}]}', 2).tooDeep).toBe(true);
    expect(scanJson('{"a":"[[[[[[[[[[[[[["}', 2).tooDeep).toBe(false);
    expect(scanJson('{"a":"\\"[[[[[[[[["}', 2).tooDeep).toBe(false);
  });

  it('stops at the first bracket past the limit: 10 MiB of [ costs what 129 do', () => {
    const huge = '['.repeat(10 * 1024 * 1024);
    expect(scanJson(huge, 128)).toEqual({ tooDeep: true, longNumbers: false });
  });

  it('flags runs of 16 digits or more outside strings only', () => {
    expect(scanJson('{"n":900719925474099}', 128).longNumbers).toBe(false);
    expect(scanJson('{"n":9007199254740993}', 128).longNumbers).toBe(true);
    expect(scanJson('{"n":"9007199254740993"}', 128).longNumbers).toBe(false);
    expect(scanJson('[-12345678901234567]', 128).longNumbers).toBe(true);
  });
});
