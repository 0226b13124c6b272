import { describe, expect, it } from 'vitest';
import { decide, FIRST_CURSOR, readCursor } from './decide.js';

describe('what one poll starts', () => {
  it('starts nothing without rows, one execution with them, and nothing for the same rows twice in a row', () => {
    expect(decide([], 'FETCH', FIRST_CURSOR)).toEqual({ starts: [], cursor: FIRST_CURSOR });
    const first = decide([{ id: 1 }], 'FETCH', FIRST_CURSOR);
    expect(first.starts).toEqual([{ kind: 'start', variables: { rows: [{ id: 1 }], size: 1 }, key: expect.stringMatching(/^1:/) }]);
    expect(decide([{ id: 1 }], 'FETCH', first.cursor)).toEqual({ starts: [], cursor: first.cursor });
    // An empty poll in between: the same rows are a new result.
    const empty = decide([], 'FETCH', first.cursor);
    expect(empty.cursor).toEqual({ epoch: 2, last: null });
    expect(decide([{ id: 1 }], 'FETCH', empty.cursor).starts[0]?.key).toMatch(/^3:/);
  });

  it('keeps the first row only with FETCH_ONE, so more rows after it do not make a new result', () => {
    const one = decide([{ id: 1 }, { id: 2 }], 'FETCH_ONE', FIRST_CURSOR);
    expect(one.starts[0]?.variables).toEqual({ row: { id: 1 }, size: 1 });
    expect(decide([{ id: 1 }, { id: 3 }], 'FETCH_ONE', one.cursor).starts).toEqual([]);
  });

  it('reads a stored cursor, and anything else as a first poll', () => {
    expect(readCursor({ epoch: 4, last: 'abc' })).toEqual({ epoch: 4, last: 'abc' });
    expect(readCursor(undefined)).toEqual(FIRST_CURSOR);
    expect(readCursor({ epoch: 'x' })).toEqual(FIRST_CURSOR);
  });
});
