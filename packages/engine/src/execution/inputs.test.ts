import { describe, expect, it } from 'vitest';
import type { FlowInput } from '../flow/flow.types.js';
import { readInputs } from './inputs.js';
import { parseIsoDuration } from './iso-duration.js';

const input = (id: string, type: string, more: Partial<FlowInput> = {}): FlowInput => ({ id, type, required: false, extra: {}, ...more });

function value(declared: FlowInput, raw: unknown): unknown {
  const result = readInputs([declared], { [declared.id]: raw });
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.inputs[declared.id];
}

function error(declared: FlowInput, raw: unknown): string {
  const result = readInputs([declared], { [declared.id]: raw });
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.inputs)}`);
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0]?.path).toBe(`inputs.${declared.id}`);
  return result.errors[0]?.message ?? '';
}

describe('readInputs: coercion per type', () => {
  it('STRING keeps text, stringifies scalars, checks the validator on the whole value', () => {
    expect(value(input('s', 'STRING'), 'hi')).toBe('hi');
    expect(value(input('s', 'STRING'), 42)).toBe('42');
    expect(value(input('s', 'STRING'), '')).toBe('');
    expect(error(input('s', 'STRING'), { a: 1 })).toContain('must be a string');
    const v = input('s', 'STRING', { extra: { validator: '[a-z]+' } });
    expect(value(v, 'abc')).toBe('abc');
    expect(error(v, 'abc1')).toContain("must match the pattern '[a-z]+'");
  });

  it('INT and FLOAT parse text and check min/max', () => {
    expect(value(input('i', 'INT'), '42')).toBe(42);
    expect(value(input('i', 'INT'), -3)).toBe(-3);
    expect(error(input('i', 'INT'), '4.2')).toContain('must be an integer');
    expect(error(input('i', 'INT'), 'abc')).toContain('must be an integer');
    expect(error(input('i', 'INT', { extra: { min: 1, max: 5 } }), 6)).toContain('less than or equal to 5');
    expect(value(input('f', 'FLOAT'), '4.5')).toBe(4.5);
    expect(value(input('f', 'FLOAT'), 2)).toBe(2);
    expect(error(input('f', 'FLOAT'), 'NaN')).toContain('must be a number');
    expect(error(input('f', 'FLOAT', { extra: { min: 0 } }), '-0.5')).toContain('greater than or equal to 0');
  });

  it('BOOLEAN and BOOL accept booleans and their text, any case', () => {
    expect(value(input('b', 'BOOLEAN'), 'TRUE')).toBe(true);
    expect(value(input('b', 'BOOL'), false)).toBe(false);
    expect(value(input('b', 'BOOLEAN'), 'false')).toBe(false);
    expect(error(input('b', 'BOOLEAN'), 'yes')).toContain('true or false');
  });

  it('JSON and YAML parse text and keep structured values', () => {
    expect(value(input('j', 'JSON'), '{"a":[1,2]}')).toEqual({ a: [1, 2] });
    expect(value(input('j', 'JSON'), { a: 1 })).toEqual({ a: 1 });
    expect(error(input('j', 'JSON'), '{nope')).toContain('valid JSON');
    expect(value(input('y', 'YAML'), 'a: 1\nb: [x]')).toEqual({ a: 1, b: ['x'] });
    expect(error(input('y', 'YAML'), 'a: [')).toContain('valid YAML');
  });

  it('DATETIME needs an offset and is stored as a UTC instant', () => {
    expect(value(input('d', 'DATETIME'), '2024-01-31T10:00:00+01:00')).toBe('2024-01-31T09:00:00Z');
    expect(value(input('d', 'DATETIME'), '2024-01-31T10:00:00.250Z')).toBe('2024-01-31T10:00:00.250Z');
    expect(error(input('d', 'DATETIME'), '2024-01-31T10:00:00')).toContain('ISO-8601');
    expect(error(input('d', 'DATETIME'), '2024-02-30T10:00:00Z')).toContain('ISO-8601');
    const bounded = input('d', 'DATETIME', { extra: { after: '2024-01-01T00:00:00Z' } });
    expect(error(bounded, '2023-12-31T00:00:00Z')).toContain('must be after');
  });

  it('DATE, TIME and DURATION check their shapes', () => {
    expect(value(input('d', 'DATE'), '2024-02-29')).toBe('2024-02-29');
    expect(error(input('d', 'DATE'), '2023-02-29')).toContain('date');
    expect(value(input('t', 'TIME'), '10:15:30')).toBe('10:15:30');
    expect(error(input('t', 'TIME'), '25:00')).toContain('time');
    expect(value(input('p', 'DURATION'), 'pt5m')).toBe('PT5M');
    expect(error(input('p', 'DURATION'), 'P1M')).toContain('duration');
  });

  it('ENUM and SELECT check values; MULTISELECT checks every item', () => {
    const e = input('e', 'ENUM', { extra: { values: ['A', 'B'] } });
    expect(value(e, 'A')).toBe('A');
    expect(error(e, 'C')).toContain('must be one of A, B');
    expect(value(input('s', 'SELECT', { extra: { values: ['A'], allowCustomValue: true } }), 'Z')).toBe('Z');
    const m = input('m', 'MULTISELECT', { extra: { values: ['A', 'B'] } });
    expect(value(m, '["A","B"]')).toEqual(['A', 'B']);
    expect(value(m, ['B'])).toEqual(['B']);
    expect(error(m, ['A', 'C'])).toContain('must only contain A, B');
  });

  it('ARRAY coerces each item with itemType', () => {
    const a = input('a', 'ARRAY', { extra: { itemType: 'INT' } });
    expect(value(a, '[1, "2"]')).toEqual([1, 2]);
    expect(error(a, '[1, "x"]')).toContain('item 1 must be an integer');
    expect(error(a, 'not a list')).toContain('JSON array');
  });

  it('URI, EMAIL, SECRET and FILE', () => {
    expect(value(input('u', 'URI'), 'https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(error(input('u', 'URI'), 'example.com')).toContain('absolute URI');
    expect(value(input('e', 'EMAIL'), 'a@b.io')).toBe('a@b.io');
    expect(error(input('e', 'EMAIL'), 'a@b')).toContain('email');
    expect(value(input('s', 'SECRET'), 'p4ss')).toBe('p4ss');
    expect(value(input('f', 'FILE'), 'kestra:///a/b.txt')).toBe('kestra:///a/b.txt');
  });

  it('never echoes the rejected value (SECRET inputs would leak)', () => {
    expect(error(input('s', 'SECRET', { extra: { validator: '[0-9]+' } }), 'my-password')).not.toContain('my-password');
  });
});

describe('readInputs: presence', () => {
  it('applies defaults, nulls optional inputs and reports missing required ones', () => {
    const result = readInputs(
      [
        input('withDefault', 'INT', { defaults: '7' }),
        input('optional', 'STRING'),
        input('emptyInt', 'INT', { defaults: 3 }),
        input('needed', 'STRING', { required: true }),
      ],
      { emptyInt: '' },
    );
    expect(result).toEqual({ ok: false, errors: [{ path: 'inputs.needed', message: "missing required input value 'needed'" }] });
    const fine = readInputs([input('withDefault', 'INT', { defaults: '7' }), input('optional', 'STRING'), input('emptyInt', 'INT', { defaults: 3 })], { emptyInt: '' });
    expect(fine).toEqual({ ok: true, inputs: { withDefault: 7, optional: null, emptyInt: 3 } });
  });

  it('reports names the flow does not declare, and every error at once', () => {
    const result = readInputs([input('age', 'INT', { required: true })], { nmae: 'x', age: 'old' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.path)).toEqual(['inputs.nmae', 'inputs.age']);
  });

  it('reports an input type it does not support', () => {
    const result = readInputs([input('x', 'HOLOGRAM')], {});
    expect(!result.ok && result.errors[0]?.message).toContain('HOLOGRAM');
  });

  it('ignores a prototype key passed as an input name', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const result = readInputs([], raw);
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseIsoDuration', () => {
  it.each([
    ['PT1S', 1000],
    ['PT0.5S', 500],
    ['PT5M', 300_000],
    ['PT1H30M', 5_400_000],
    ['P1D', 86_400_000],
    ['P1DT1S', 86_401_000],
    ['pt2s', 2000],
  ])('%s is %i ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', 'P1DT', '5s', 'P1M', 'P1Y', 'PT-1S', 'PT1.S'])('refuses %j', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});
