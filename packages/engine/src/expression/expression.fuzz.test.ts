/**
 * Seeded fuzzing: thousands of random templates, half token soup and half well-formed grammar,
 * over random data. Whatever happens, a failure must be a catalog SluiceError (never a raw
 * TypeError or a stack overflow), and no prototype or variable may change. The seed is fixed so
 * a failure reproduces; change it locally to explore.
 */
import { isSluiceError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { evaluateExpression, renderTemplate, type RenderOptions } from './index.js';

const SEED = 0x5eed_2024;
const RUNS = 3000;

/** mulberry32: a tiny, well-distributed, seedable PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;

const SOUP = [
  '{{', '}}', '{%', '%}', '{#', '#}', '{{-', '-}}', '{%-', '-%}', ' ', ' ', ' ', '\n', 'text',
  'if', 'elseif', 'else', 'endif', 'for', 'in', 'endfor', 'set', 'raw', 'endraw', '=', ',',
  'x', 'y', 'data', 'data.a', 'data.list', "data['k-1']", 'loop', 'loop.index', 'missing',
  'constructor', '__proto__', 'prototype', 'toString', 'process', 'globalThis',
  '.', '[', ']', '(', ')', '{', '}', ':', '|', '~', '+', '-', '*', '/', '%', '??', '???', '?', '..',
  '==', '!=', '<', '>=', 'is', 'not', 'defined', 'null', 'empty', 'even', 'and', 'or', 'contains',
  "'s'", '"d"', "'{{ 7*7 }}'", '0', '1', '2.5', '-1', 'true', 'false', 'null', '[1, 2]', "{'a': 1}",
  'upper', 'default', "default('z')", 'date', "date('yyyy-MM-dd')", 'toJson', 'length', 'join', "split(',')",
  'keys', 'first', 'sort', 'merge', 'abs', 'number', 'slugify', 'indent(2)', 'dateAdd(1, "DAYS")',
  'range(1, 3)', 'now()', "secret('X')", "secret('NOPE')", 'fromJson', "fromJson('[1]')", 'max(1, 2)', 'uuid()',
];

const NAMES = ['x', 'y', 'data', 'data.a', 'data.list', "data['k-1']", 'missing', 'missing.deep', 'data.nested.b', 'items'];
const FILTERS = ['upper', 'lower', 'trim', 'length', 'toJson', 'first', 'last', 'sort', 'reverse', 'keys', 'values', "default('d')", "join(',')", "split(',')", 'abs', 'number', 'slugify', 'title', 'capitalize', 'sha256', 'base64encode', "date('yyyy')", 'timestamp', 'distinct', 'flatten', 'string', "replace({'a': 'b'})", 'chunk(2)', 'urlencode', "escapeChar('shell')"];
const BINARY = ['+', '-', '*', '/', '%', '~', '==', '!=', '<', '>', 'and', 'or', 'contains', '??', '???', '..'];
const TESTS = ['defined', 'not defined', 'null', 'empty', 'even', 'odd', 'iterable', 'json', 'map'];

function expression(depth: number): string {
  if (depth <= 0 || random() < 0.25) {
    return pick([...NAMES, "'str'", '"{{ 7*7 }}"', '1', '0', '3.5', 'true', 'null', '[1, 2, 3]', "{'a': 1, 'b': [2]}", 'now()', "secret('X')", "fromJson('{\"a\": 1}')", 'range(0, 3)', 'loop.index', "secret('NOPE')"]);
  }
  switch (int(7)) {
    case 0:
      return `${expression(depth - 1)} ${pick(BINARY)} ${expression(depth - 1)}`;
    case 1:
      return `${expression(depth - 1)} | ${pick(FILTERS)}`;
    case 2:
      return `(${expression(depth - 1)})`;
    case 3:
      return `${expression(depth - 1)} ? ${expression(depth - 1)} : ${expression(depth - 1)}`;
    case 4:
      return `${expression(depth - 1)} is ${pick(TESTS)}`;
    case 5:
      return `not ${expression(depth - 1)}`;
    default:
      return `${expression(depth - 1)}[${pick(["'a'", '0', '1', "'constructor'", "'__proto__'", 'x'])}]`;
  }
}

function template(depth: number): string {
  const parts: string[] = [];
  for (let i = int(4) + 1; i > 0; i--) {
    const kind = depth <= 0 ? 0 : int(5);
    if (kind === 0) parts.push(`text ${int(100)} {{ ${expression(3)} }}`);
    else if (kind === 1) parts.push(`{% if ${expression(2)} %}${template(depth - 1)}{% else %}${template(depth - 1)}{% endif %}`);
    else if (kind === 2) parts.push(`{% for item in ${expression(2)} %}{{ loop.index }}{{ item }}${template(depth - 1)}{% endfor %}`);
    else if (kind === 3) parts.push(`{% set x = ${expression(2)} %}{{ x }}`);
    else parts.push(`{{- ${expression(3)} -}}`);
  }
  return parts.join(pick(['', ' ', '\n']));
}

function soup(): string {
  const tokens: string[] = [];
  for (let i = int(30) + 1; i > 0; i--) tokens.push(pick(SOUP));
  return tokens.join(pick(['', ' ']));
}

function value(depth: number): unknown {
  switch (depth <= 0 ? int(6) : int(9)) {
    case 0:
      return null;
    case 1:
      return int(200) - 100;
    case 2:
      return random() * 1000;
    case 3:
      return pick(['', 'a,b', 'Hello World', '{{ 7*7 }}', '2024-01-15T10:30:00Z', '__proto__', 'constructor', '42', 'true']);
    case 4:
      return random() < 0.5;
    case 5:
      return new Date(Date.UTC(2024, 0, 1 + int(365)));
    case 6:
    case 7:
      return Array.from({ length: int(4) }, () => value(depth - 1));
    default:
      return JSON.parse(JSON.stringify({ a: value(depth - 1), 'k-1': value(depth - 1), nested: { b: value(depth - 1) } })) as unknown;
  }
}

const options: RenderOptions = {
  functions: {
    now: () => new Date('2024-01-15T10:30:00Z'),
    secret: (name) => (name === 'X' ? 'secret-x' : (undefined as unknown as string)),
  },
};

function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype, Date.prototype, Number.prototype]
    .map((proto) => Object.getOwnPropertyNames(proto).sort().join(','))
    .join('|');
}

describe('expression fuzzing', () => {
  it(`survives ${RUNS} random templates over random data (seed ${SEED})`, () => {
    const before = prototypeSnapshot();
    const outcomes = { rendered: 0, failed: 0 };
    for (let run = 0; run < RUNS; run++) {
      const source = run % 2 === 0 ? soup() : template(2);
      const variables = { x: value(2), y: value(2), data: value(3), items: [value(1), value(1)] };
      const snapshot = JSON.stringify(variables);
      try {
        const output = run % 5 === 0 ? evaluateExpression(expression(3), variables, options) : renderTemplate(source, variables, options);
        outcomes.rendered++;
        if (typeof output === 'string') expect(output).not.toMatch(/native code/);
      } catch (error) {
        outcomes.failed++;
        if (!isSluiceError(error) || !/^(EXPRESSION|CORE)_/.test(error.code)) {
          throw new Error(`run ${run}: ${JSON.stringify(source)} threw ${String(error)}`, { cause: error });
        }
      }
      expect(JSON.stringify(variables), `run ${run} changed its variables`).toBe(snapshot);
    }
    expect(prototypeSnapshot()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Both paths must be exercised, or the fuzzer tests nothing.
    expect(outcomes.rendered).toBeGreaterThan(RUNS / 10);
    expect(outcomes.failed).toBeGreaterThan(RUNS / 10);
  });
});
