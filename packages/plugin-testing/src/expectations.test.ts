import { describe, expect, it } from 'vitest';
import { missingLog, subsetDifferences } from './expectations.js';

describe('subsetDifferences', () => {
  it('accepts extra keys and matches nested values', () => {
    expect(subsetDifferences({ body: { a: 1 } }, { body: { a: 1, b: 2 }, headers: {} })).toEqual([]);
  });

  it('names the path of each difference', () => {
    expect(subsetDifferences({ body: { a: 1, c: 3 }, x: null }, { body: { a: 2 }, x: 0 })).toEqual([
      '$.body.a: expected 1, got 2',
      '$.body.c: missing',
      '$.x: expected null, got 0',
    ]);
  });

  it('requires lists of the same length, element by element', () => {
    expect(subsetDifferences({ l: ['1', '2'] }, { l: ['1', '2'] })).toEqual([]);
    expect(subsetDifferences({ l: ['1'] }, { l: ['1', '2'] })).toEqual(['$.l: expected 1 elements, got 2: ["1","2"]']);
    expect(subsetDifferences({ l: [{ a: 1 }] }, { l: [{ a: 1, b: 2 }] })).toEqual([]);
  });

  it('tells a list, an object and a missing value apart', () => {
    expect(subsetDifferences([], {})).toEqual(['$: expected a list, got {}']);
    expect(subsetDifferences({}, [])).toEqual(['$: expected an object, got []']);
    expect(subsetDifferences({ a: 1 }, undefined, 'trigger')).toEqual(['trigger: expected an object, got undefined']);
  });
});

describe('missingLog', () => {
  const lines = [
    { level: 'INFO' as const, message: 'a' },
    { level: 'DEBUG' as const, message: 'noise' },
    { level: 'WARN' as const, message: 'b' },
  ];

  it('finds expected lines in order, other lines between', () => {
    expect(missingLog([{ level: 'INFO', message: 'a' }, { level: 'WARN', message: 'b' }], lines)).toBeUndefined();
  });

  it('reports the first line missing, out of order or at another level', () => {
    expect(missingLog([{ level: 'WARN', message: 'b' }, { level: 'INFO', message: 'a' }], lines)).toEqual({ level: 'INFO', message: 'a' });
    expect(missingLog([{ level: 'INFO', message: 'b' }], lines)).toEqual({ level: 'INFO', message: 'b' });
  });
});
