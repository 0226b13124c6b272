import { describe, expect, it } from 'vitest';
import { hasLongNumbers, nestedDeeperThan, parseJson, stringifyJson } from './json.js';

describe('parseJson and stringifyJson', () => {
  it('keep integers past 2^53 exact, as bigints, and write them back digit for digit', () => {
    const text = '{"id":9007199254740993,"neg":-123456789012345678901234567890,"small":42,"f":1.5,"s":"9007199254740993"}';
    const value = parseJson(text) as Record<string, unknown>;
    expect(value).toEqual({ id: 9007199254740993n, neg: -123456789012345678901234567890n, small: 42, f: 1.5, s: '9007199254740993' });
    expect(stringifyJson(value)).toBe(text);
  });

  it('read everything else as JSON.parse does, including long digit runs inside strings and safe long decimals', () => {
    for (const text of ['{"a":[1,2,{"b":null}],"c":"x"}', '{"card":"4111111111111111"}', '[1.2345678901234567]', '{"__proto__":{"x":1}}', '9007199254740991']) {
      expect(parseJson(text)).toEqual(JSON.parse(text));
    }
    const polluted = parseJson('{"__proto__":{"polluted":1},"n":12345678901234567890}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throw a SyntaxError on invalid JSON on both paths', () => {
    expect(() => parseJson('{"a":')).toThrow(SyntaxError);
    expect(() => parseJson('{"a":12345678901234567890')).toThrow(SyntaxError);
  });

  it('write what JSON.stringify writes when there is no bigint', () => {
    const value = { d: new Date(0), u: undefined, n: Number.NaN, list: [undefined, 1] };
    expect(stringifyJson(value)).toBe(JSON.stringify(value));
    expect(stringifyJson({ big: 2n ** 64n, d: new Date(0), u: undefined })).toBe('{"big":18446744073709551616,"d":"1970-01-01T00:00:00.000Z"}');
  });
});

describe('the quick check for long numbers', () => {
  it('finds a run of 16 digits at every offset and length of text around it, and no run of 15', () => {
    for (let before = 0; before < 40; before++) {
      for (const after of ['', ']', ', 1]']) {
        expect(hasLongNumbers(`[${' '.repeat(before)}${'1'.repeat(16)}${after}`), `${before} ${after}`).toBe(true);
        expect(hasLongNumbers(`[${' '.repeat(before)}${'1'.repeat(15)}${after}`), `${before} ${after}`).toBe(false);
      }
    }
    expect(hasLongNumbers(`[${'9'.repeat(15)}, 1, ${'8'.repeat(15)}]`)).toBe(false);
    expect(hasLongNumbers(`{"s":"${'1'.repeat(30)}"}`)).toBe(false);
  });
});

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
