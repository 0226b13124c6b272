import { describe, expect, it } from 'vitest';
import { isAnySchema, literalsOf, renderedBy, schemaType } from './schema-type.mjs';

describe('schemaType', () => {
  it.each([
    [{ type: 'string' }, 'string'],
    [{ type: 'boolean' }, 'boolean'],
    [{ type: 'null' }, 'null'],
    [{}, 'any'],
    [{ description: 'only words' }, 'any'],
    [{ type: 'integer', minimum: 100, maximum: 599 }, 'integer (100 to 599)'],
    [{ type: 'number', minimum: 0 }, 'number (at least 0)'],
    [{ type: 'number', exclusiveMaximum: 1 }, 'number (less than 1)'],
    [{ type: 'string', minLength: 1, maxLength: 256, pattern: '\\S' }, 'string (at least 1 character, at most 256 characters, matching `\\S`)'],
    [{ type: 'string', format: 'date-time' }, 'string (format date-time)'],
  ])('renders scalars and their constraints: %j', (schema, expected) => {
    expect(schemaType(schema)).toBe(expected);
  });

  it('renders a flowable task\'s children as tasks, at any depth', () => {
    expect(schemaType({ type: 'array', items: {}, 'x-sluice-tasks': true })).toBe('list of tasks');
    expect(schemaType({ type: 'object', properties: {}, 'x-sluice-tasks': 'one' })).toBe('task');
    expect(schemaType({ type: 'object', patternProperties: { '^(.*)$': { type: 'array', items: {}, 'x-sluice-tasks': true } } })).toBe('map of string to list of tasks');
  });

  it('renders enums and unions of constants as alternatives of literals', () => {
    expect(schemaType({ anyOf: [{ const: 'INFO', type: 'string' }, { const: 'WARN', type: 'string' }] })).toBe('`INFO` | `WARN`');
    expect(schemaType({ enum: ['a', 1, true] })).toBe('`a` | `1` | `true`');
    expect(schemaType({ const: 'only' })).toBe('`only`');
  });

  it('renders other unions member by member, and type lists', () => {
    expect(schemaType({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] })).toBe('string or list of strings');
    expect(schemaType({ oneOf: [{ type: 'integer' }, { type: 'null' }] })).toBe('integer or null');
    expect(schemaType({ type: ['string', 'null'] })).toBe('string or null');
  });

  it('renders lists by their items', () => {
    expect(schemaType({ type: 'array', items: { type: 'integer' } })).toBe('list of integers');
    expect(schemaType({ type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 })).toBe('list of strings (at least 1 character) (at least 1 item)');
    expect(schemaType({ type: 'array', items: { type: 'object', properties: { a: {} } } })).toBe('list of objects');
    expect(schemaType({ type: 'array', items: { anyOf: [{ const: 'a' }, { const: 'b' }] } })).toBe('list of (`a` | `b`)');
    expect(schemaType({ type: 'array' })).toBe('list');
  });

  it('renders maps (TypeBox records and additionalProperties) by their values', () => {
    expect(schemaType({ type: 'object', patternProperties: { '^(.*)$': {} } })).toBe('map of string to any value');
    expect(schemaType({ type: 'object', patternProperties: { '^(.*)$': { type: 'array', items: { type: 'string' } } } })).toBe('map of string to list of strings');
    expect(schemaType({ type: 'object', additionalProperties: { type: 'number' } })).toBe('map of string to number');
  });

  it('tells objects with fields from empty ones', () => {
    expect(schemaType({ type: 'object', properties: { a: { type: 'string' } } })).toBe('object');
    expect(schemaType({ type: 'object', properties: {}, additionalProperties: false })).toBe('empty object');
  });
});

describe('schema helpers', () => {
  it('reads who renders a Dynamic field', () => {
    expect(renderedBy({ type: 'string', 'x-sluice-dynamic': 'host' })).toBe('host');
    expect(renderedBy({ type: 'string', 'x-sluice-dynamic': 'plugin' })).toBe('plugin');
    expect(renderedBy({ type: 'string', 'x-sluice-dynamic': 'someone' })).toBeUndefined();
    expect(renderedBy({ type: 'string' })).toBeUndefined();
  });

  it('finds literals only where every member is one', () => {
    expect(literalsOf({ anyOf: [{ const: 1 }, { type: 'string' }] })).toBeUndefined();
    expect(literalsOf({ type: 'string' })).toBeUndefined();
  });

  it('calls a schema without structure "any"', () => {
    expect(isAnySchema({})).toBe(true);
    expect(isAnySchema({ type: 'string' })).toBe(false);
    expect(isAnySchema({ anyOf: [] })).toBe(false);
  });
});
