import { describe, expect, it } from 'vitest';
import { lineDiff } from './diff.js';
import { ago, atBottom, durationMs, fromNow, humanDuration } from './format.js';
import { errorsByInput, fieldFor, initialValue, toPayload } from './inputs-form.js';

describe('lineDiff', () => {
  it('marks removed and added lines between kept ones', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc\nd').map((l) => `${l.kind[0]}${l.text}`)).toEqual(['sa', 'rb', 'aB', 'sc', 'ad']);
  });
});

describe('format', () => {
  it('reads ISO durations and prints them for people', () => {
    expect(durationMs('PT1M2.5S')).toBe(62_500);
    expect(humanDuration(62_500)).toBe('1 min 3 s');
    expect(humanDuration(850)).toBe('850 ms');
    expect(ago('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:03:00Z'))).toBe('3 min ago');
    expect(fromNow('2026-01-01T00:03:00Z', Date.parse('2026-01-01T00:00:00Z'))).toBe('in 3 min');
    expect(fromNow('2026-01-03T00:00:00Z', Date.parse('2026-01-01T00:00:00Z'))).toBe('in 2 d');
    expect(fromNow('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:00:01Z'))).toBe('due');
  });

  it('keeps following a live tail only at the bottom', () => {
    expect(atBottom({ scrollTop: 990, scrollHeight: 1500, clientHeight: 500 })).toBe(true);
    expect(atBottom({ scrollTop: 600, scrollHeight: 1500, clientHeight: 500 })).toBe(false);
  });
});

describe('inputs form', () => {
  it('picks a widget by input type and keeps defaults optional', () => {
    expect(fieldFor({ id: 'n', type: 'INT' })).toMatchObject({ widget: 'number', required: true });
    expect(fieldFor({ id: 'c', type: 'SELECT', values: ['a', 'b'], defaults: 'a' })).toMatchObject({ widget: 'select', options: ['a', 'b'], required: false });
    expect(initialValue({ id: 'b', type: 'BOOLEAN', defaults: true })).toBe(true);
  });

  it('sends typed values and leaves empty ones to their defaults', () => {
    const inputs = [{ id: 'n', type: 'INT' }, { id: 's', type: 'STRING' }, { id: 'j', type: 'JSON' }];
    expect(toPayload(inputs, { n: '3', s: '', j: '{"a":1}' })).toEqual({ n: 3, j: { a: 1 } });
  });

  it('maps problem paths to their input', () => {
    expect(errorsByInput([{ path: 'inputs.n', message: 'must be an integer' }])).toEqual({ n: 'must be an integer' });
  });
});
