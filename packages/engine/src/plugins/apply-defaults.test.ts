import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Dynamic, LOG_LEVELS } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from './apply-defaults.js';

const Level = Type.Union(LOG_LEVELS.map((level) => Type.Literal(level)), { default: 'INFO' });
const LogLike = Type.Object({
  message: Dynamic(Type.Union([Type.String(), Type.Array(Type.String())])),
  level: Type.Optional(Dynamic(Level)),
}, { additionalProperties: false });
const Nested = Type.Object({
  name: Type.String(),
  retry: Type.Optional(Type.Object({ max: Type.Integer({ default: 3 }), kind: Type.Optional(Type.String()) })),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  items: Type.Optional(Type.Array(Type.Object({ id: Type.String(), weight: Type.Number({ default: 1 }) }))),
  extra: Type.Optional(Type.Union([Type.String(), Type.Object({ on: Type.Boolean({ default: true }) })])),
});
const Open = Type.Object({ a: Type.String() }, { additionalProperties: Type.Object({ b: Type.Number({ default: 2 }) }) });
const Rooted = Type.Object({ x: Type.Optional(Type.String({ default: 'x' })) }, { default: { x: 'root' } });
const WithOwn = Type.Object({
  name: Type.String(),
  options: Type.Optional(Type.Object({ a: Type.Optional(Type.String()), b: Type.Optional(Type.String()) }, { default: { a: 'x', b: 'y' } })),
  count: Type.Optional(Type.Integer({ default: 1 })),
});
const Joined = Type.Object({
  name: Type.String(),
  both: Type.Optional(Type.Intersect([Type.Object({ a: Type.Optional(Type.String()) }), Type.Object({ b: Type.Optional(Type.String()) })], { default: { a: '1' } })),
});
const Item = Type.Object({ v: Type.Number({ default: 7 }) }, { $id: 'Item' });
const Referring = Type.Object({ item: Type.Optional(Type.Ref(Item)) });

const cases: [string, TSchema, unknown][] = [
  ['Log props without a level', LogLike, { message: 'hi' }],
  ['Log props with a level', LogLike, { message: ['a', 'b'], level: 'WARN' }],
  ['nested defaults', Nested, { name: 'n', retry: {}, headers: { a: 'b' }, items: [{ id: 'i' }, { id: 'j', weight: 5 }], extra: {} }],
  ['nested defaults, absent', Nested, { name: 'n' }],
  ['a union holding a default', Nested, { name: 'n', extra: 'text' }],
  ['additional properties with a default', Open, { a: 'a', more: {}, other: { b: 9 } }],
  ['a default on the root', Rooted, undefined],
  ['a default on the root, given', Rooted, {}],
  ['a reference TypeBox cannot resolve (both throw)', Referring, { item: {} }],
  ['a reference, absent', Referring, {}],
  ['Log props with a level no branch accepts', LogLike, { message: 'hi', level: 'LOUD' }],
  ['Log props with a null level', LogLike, { message: 'hi', level: null }],
  ['an object default of its own, absent', WithOwn, { name: 'n' }],
  ['an object default of its own, given (merged)', WithOwn, { name: 'n', options: { b: 'given' } }],
  ['a number default of its own, given a string', WithOwn, { name: 'n', count: 'many' }],
  ['an intersection with a default of its own', Joined, { name: 'n' }],
  ['not an object', LogLike, 'text'],
  ['an array where an object is expected', Nested, [1, 2]],
];

describe('applyDefaults', () => {
  it.each(cases)('makes what Value.Default makes: %s', (_name, schema, value) => {
    const outcome = (run: () => unknown) => {
      try {
        return { value: run() };
      } catch (error) {
        return { error: String(error) };
      }
    };
    const expected = outcome(() => Value.Default(schema, Value.Clone(value)));
    const got = outcome(() => applyDefaults(schema, Value.Clone(value)));
    expect(got).toEqual(expected);
    const actual = got.value;
    if (actual !== null && typeof actual === 'object') expect(Object.keys(actual)).toEqual(Object.keys(expected.value as object));
  });

  it('leaves a property whose schema holds no default as it is, not a copy', () => {
    const message = ['a', 'b'];
    const props = applyDefaults(LogLike, { message }) as { message: unknown; level: unknown };
    expect(props.message).toBe(message);
    expect(props.level).toBe('INFO');
  });

  it('gives each value a copy of an object default, never the schema\'s own', () => {
    const first = applyDefaults(WithOwn, { name: 'a' }) as { options: Record<string, unknown> };
    first.options.a = 'changed';
    const second = applyDefaults(WithOwn, { name: 'b' }) as { options: Record<string, unknown> };
    expect(second.options).toEqual({ a: 'x', b: 'y' });
  });
});
