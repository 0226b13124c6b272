import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nestingPastLimit } from './nesting.js';

const fixture = (name: string) => readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/flows', name), 'utf8');
// The smallest limit the source stays within: the bound itself.
const bound = (source: string): number => {
  let limit = 0;
  while (nestingPastLimit(source, limit) !== undefined) limit += 1;
  return limit;
};

describe('nestingPastLimit', () => {
  it('never counts less than the real depth, whatever the notation', () => {
    expect(bound('v: [[[[[1]]]]]')).toBeGreaterThanOrEqual(6);
    expect(bound('- - - - - x')).toBeGreaterThanOrEqual(5);
    expect(bound('a:\n- b:\n  - c:\n    - d: 1\n')).toBeGreaterThanOrEqual(7);
    expect(bound('a:\n  b:\n    c:\n      d: 1\n')).toBeGreaterThanOrEqual(4);
  });

  it('ignores brackets inside quoted and block scalars', () => {
    expect(bound('a: "[[[[[[[[[["\nb: \'{{{{{{{{\'\nc: |\n  [[[[[[[[[[\n')).toBeLessThan(5);
  });

  it('stays far below four times the depth cap for real flows', () => {
    expect(bound(fixture('everything.yaml'))).toBeLessThan(20);
    expect(bound(fixture('seed-flow.yaml'))).toBeLessThan(10);
  });

  it('gives the line where the bound passes the limit', () => {
    expect(nestingPastLimit('a: 1\nb: 2\nc: [[[[[[[[[[]]]]]]]]]]\n', 8)).toBe(3);
    expect(nestingPastLimit('a: "x\n\n y"\nb: [[[[[[[[[[]]]]]]]]]]\n', 8)).toBe(4);
  });
});
