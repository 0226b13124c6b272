import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { coerceRendered } from './coerce-rendered.js';

describe('coerceRendered', () => {
  it.each([
    [Type.Integer(), '100', 100],
    [Type.Integer(), ' 42 ', 42],
    [Type.Number(), '1.5', 1.5],
    [Type.Number(), '-2e3', -2000],
    [Type.Boolean(), 'TRUE', true],
    [Type.Boolean(), 'false', false],
    [Type.Object({ a: Type.Number() }), '{"a":1}', { a: 1 }],
    [Type.Array(Type.String()), '["x","y"]', ['x', 'y']],
    [Type.Union([Type.Integer(), Type.String({ pattern: '^\\{\\{' })]), '7', 7],
    [Type.Union([Type.Literal('INFO'), Type.Literal('WARN')]), 'WARN', 'WARN'],
  ])('reads rendered text as the declared type (%#)', (schema, text, expected) => {
    expect(coerceRendered(schema, text)).toEqual(expected);
  });

  it.each([
    [Type.Integer(), '1.5'],
    [Type.Integer(), 'ten'],
    [Type.Number(), ''],
    [Type.Boolean(), 'yes'],
    [Type.Object({}), 'not json'],
    [Type.Array(Type.String()), '{"a":1}'],
  ])('leaves text that reads as nothing valid for the validator to report (%#)', (schema, text) => {
    expect(coerceRendered(schema, text)).toBe(text);
  });

  it('leaves strings a string schema accepts, and non-strings, as they are', () => {
    expect(coerceRendered(Type.String(), '100')).toBe('100');
    expect(coerceRendered(Type.Union([Type.String(), Type.Integer()]), '100')).toBe('100');
    expect(coerceRendered(Type.Integer(), 5)).toBe(5);
  });
});
