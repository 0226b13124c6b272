/**
 * The sandbox: templates come from flow authors and data from anyone who can call a webhook, so
 * no template may reach JavaScript's prototypes, constructors, globals or methods, data is never
 * rendered as a template, and no input may hang or crash the worker.
 */
import { isSluiceError, type SluiceError } from '@sluice/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateExpression, renderDeep, renderTemplate } from './index.js';

function prototypeSnapshot(): string {
  const names = (target: object): string => Object.getOwnPropertyNames(target).sort().join(',');
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype, Number.prototype, Date.prototype].map(names).join('|');
}

function failure(run: () => unknown): SluiceError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(isSluiceError(caught), `expected a SluiceError, got ${String(caught)}`).toBe(true);
  return caught as SluiceError;
}

const variables = Object.freeze({
  x: Object.freeze({ a: 1 }),
  list: Object.freeze([1, 2]),
  text: '{{ 7*7 }}',
  fn: () => 'called',
  instance: new (class Hidden {
    secretField = 'internal';
  })(),
});

let before = '';
beforeAll(() => {
  before = prototypeSnapshot();
});
afterAll(() => {
  expect(prototypeSnapshot()).toBe(before);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('expression sandbox', () => {
  it.each([
    '{{ constructor }}',
    '{{ __proto__ }}',
    '{{ prototype }}',
    "{{ ''.constructor }}",
    "{{ 'abc'.constructor.name }}",
    '{{ x.__proto__ }}',
    "{{ x['__proto__'] }}",
    "{{ x['con' ~ 'structor'] }}",
    "{{ x.constructor.constructor('return process')() }}",
    "{{ x['constructor']['constructor']('return process')() }}",
    '{{ [].constructor }}',
    '{{ {}.constructor }}',
    '{{ (x).constructor }}',
    '{{ list.constructor.prototype }}',
    '{{ process }}',
    '{{ process.env }}',
    '{{ globalThis }}',
    '{{ global }}',
    '{{ require }}',
    "{{ require('fs') }}",
    "{{ import('fs') }}",
    '{{ Function }}',
    '{{ this }}',
    '{{ x.toString }}',
    '{{ x.toString() }}',
    '{{ x.hasOwnProperty }}',
    "{{ x.hasOwnProperty('a') }}",
    '{{ x.valueOf }}',
    '{{ x.__defineGetter__ }}',
    '{{ x.__lookupGetter__ }}',
    "{{ 'abc'.toUpperCase }}",
    "{{ 'abc'.toUpperCase() }}",
    '{{ list.map }}',
    '{{ list.push(3) }}',
    '{{ now().getTime() }}',
    '{{ now().constructor }}',
    '{{ now().toISOString }}',
    '{{ x | constructor }}',
    '{{ x | __proto__ }}',
    '{{ x | toString }}',
    '{{ x | hasOwnProperty }}',
    '{{ constructor() }}',
    '{{ toString() }}',
    '{{ valueOf() }}',
    '{{ fn() }}',
    '{{ fn }}',
    '{{ x is constructor }}',
    '{{ x is toString }}',
    '{{ instance.secretField }}',
    '{{ instance.constructor }}',
    '{% for i in [1] %}{{ loop.constructor }}{% endfor %}',
    '{% set constructor = 1 %}{{ constructor }}',
    "{{ fromJson('{\"__proto__\": {\"polluted\": true}}').__proto__ }}",
    "{{ fromJson('{\"__proto__\": {\"polluted\": true}}').polluted }}",
  ])('%s fails with the engine error and exposes nothing', (template) => {
    const error = failure(() => renderTemplate(template, variables));
    expect(error.code).toMatch(/^EXPRESSION_/);
    expect(error.message).not.toMatch(/native code|=>|function \w*\(|class Hidden|internal|called/);
    expect(JSON.stringify(error.details)).not.toMatch(/native code|internal|called/);
  });

  it('refuses the same in bare expressions', () => {
    for (const expression of ['constructor', "x['__proto__']", 'x.constructor.constructor', "''.constructor"]) {
      expect(failure(() => evaluateExpression(expression, variables)).code).toMatch(/^EXPRESSION_/);
    }
  });

  it('renders data holding template markup literally, never as a template', () => {
    expect(renderTemplate('{{ text }}', variables)).toBe('{{ 7*7 }}');
    expect(renderTemplate('{{ fromJson(\'{"t": "{{ 7*7 }}"}\').t }}', variables)).toBe('{{ 7*7 }}');
    expect(renderDeep({ a: ['{{ text }}'] }, variables)).toEqual({ a: ['{{ 7*7 }}'] });
  });

  it('keeps what one render sets to that render: the next render of any template never sees it', () => {
    // Renders share an empty root scope until they set a variable (evaluate.ts, NO_SCOPE).
    expect(renderTemplate("{% set leaked = 'mine' %}{{ leaked }}", {})).toBe('mine');
    expect(renderTemplate("{{ leaked ?? 'not set' }}", {})).toBe('not set');
    expect(renderTemplate("{% for n in [1] %}{% set inner = 'x' %}{% endfor %}{% set outer = 'y' %}{{ outer }}", {})).toBe('y');
    expect(renderTemplate("{{ inner ?? 'not set' }}{{ outer ?? ' not set' }}", {})).toBe('not set not set');
    expect(renderTemplate("{{ render(\"{% set deep = 'z' %}{{ deep }}\") }}{{ deep ?? ' not set' }}", {})).toBe('z not set');
    expect(renderTemplate("{{ deep ?? 'not set' }}", {})).toBe('not set');
  });

  it('keeps __proto__ keys of maps as plain data without touching any prototype', () => {
    expect(renderTemplate("{{ {'__proto__': {'polluted': 1}} }}", {})).toBe('{"__proto__":{"polluted":1}}');
    expect(renderTemplate("{{ {'a': 1} | merge(fromJson('{\"__proto__\": {\"polluted\": 1}}')) | keys }}", {})).toBe('["a","__proto__"]');
    const rendered = renderDeep(JSON.parse('{"__proto__": {"polluted": "{{ 1 }}"}}'), {}) as Record<string, unknown>;
    expect(Object.getPrototypeOf(rendered)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(rendered, '__proto__')?.value).toEqual({ polluted: '1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never quotes data, such as a secret, in an error', () => {
    const options = { functions: { secret: (): string => 's3cr3t-value' } };
    for (const template of [
      "{{ m[secret('X')] }}",
      "{{ secret('X') | date }}",
      "{{ secret('X') | date(existingFormat='yyyy') }}",
      "{{ secret('X') | number }}",
      "{{ fromJson(secret('X')) }}",
      "{{ secret('X') * 2 }}",
      "{% for c in secret('X') %}{% endfor %}",
    ]) {
      const error = failure(() => renderTemplate(template, { m: {} }, options));
      expect(error.message).not.toContain('s3cr3t');
      expect(JSON.stringify(error.details)).not.toContain('s3cr3t');
    }
  });

  it('never calls getters on the variables', () => {
    let called = false;
    const withGetter = {};
    Object.defineProperty(withGetter, 'g', {
      enumerable: true,
      get: () => {
        called = true;
        return 'secret';
      },
    });
    expect(failure(() => renderTemplate('{{ g }}', withGetter)).code).toBe('EXPRESSION_UNDEFINED');
    expect(failure(() => renderTemplate('{{ x.g }}', { x: withGetter })).code).toBe('EXPRESSION_UNDEFINED');
    expect(called).toBe(false);
  });

  it('never mutates the variables', () => {
    const vars = { items: [3, 1, 2], map: { b: 1, a: 2 }, n: 1 };
    const snapshot = JSON.stringify(vars);
    renderTemplate('{% set n = 5 %}{% set items = [] %}{{ n }}{{ vars }}', { vars });
    renderTemplate('{{ items | sort }}{{ items | reverse }}{{ map | merge({"c": 3}) }}{% for i in items %}{% set n = i %}{% endfor %}', vars);
    expect(JSON.stringify(vars)).toBe(snapshot);
  });

  describe('limits raise EXPRESSION_LIMIT instead of hanging or overflowing', () => {
    it.each([
      ['template length', `{{ 1 }}${'x'.repeat(1_000_001)}`, {}],
      ['expression nesting', `{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`, {}],
      ['unary nesting', `{{ ${'-'.repeat(5000)}1 }}`, {}],
      ['operator chains', `{{ 1${' + 1'.repeat(5000)} }}`, {}],
      ['filter chains', `{{ 'a'${' | upper'.repeat(5000)} }}`, {}],
      ['list nesting', `{{ ${'['.repeat(5000)}${']'.repeat(5000)} }}`, {}],
      ['tag nesting', `${'{% if true %}'.repeat(1000)}x${'{% endif %}'.repeat(1000)}`, {}],
      ['loop iterations', '{% for i in range(1, 1000) %}{% for j in range(1, 1000) %}{% endfor %}{% endfor %}', {}],
      ['output length', '{% for i in range(1, 99999) %}{{ big }}{% endfor %}', { big: 'x'.repeat(200) }],
      ['range size', '{{ range(1, 999999999) }}', {}],
      ['range operator size', '{{ 1..999999999 }}', {}],
      ['string doubling', "{% set s = 'ab' %}{% for i in range(1, 60) %}{% set s = s ~ s %}{% endfor %}", {}],
      ['list doubling', '{% set l = [1] %}{% for i in range(1, 60) %}{% set l = l | merge(l) %}{% endfor %}', {}],
      ['shared structure blow-up', '{% set l = [1] %}{% for i in range(1, 60) %}{% set l = [l, l] %}{% endfor %}{{ l }}', {}],
      ['shared structure comparison', '{% set l = [1] %}{% for i in range(1, 60) %}{% set l = [l, l] %}{% endfor %}{{ l == l }}', {}],
      ['indent width', "{{ 'a\nb' | indent(999999999) }}", {}],
    ])('%s', (_name, template, vars) => {
      expect(failure(() => renderTemplate(template, vars)).code).toBe('EXPRESSION_LIMIT');
    });

    // Steps count nodes, and one node can be an 8 MiB replace: the work budget counts the
    // characters and pieces such a node builds and scans. One statement per line, so the line
    // of the error counts how many statements ran before the budget stopped the render: the
    // work done before failing is bounded, by counting, not by timing.
    describe('work budget', () => {
      const doubled = ["{% set s = 'aa' %}", ...Array.from({ length: 22 }, () => '{% set s = s ~ s %}')];
      const replaces = Array.from({ length: 20 }, () => "{% set s = s | replace({'a': 'b', 'b': 'a'}) %}");

      it('stops 20 replaces over an 8 MiB string at the first or second, naming the expression', () => {
        const error = failure(() => renderTemplate([...doubled, ...replaces, '{{ s | length }}'].join('\n'), {}));
        expect(error.code).toBe('EXPRESSION_LIMIT');
        expect(error.message).toContain('characters and list items built or scanned');
        expect(error.message).toContain("{% set s = s | replace({'a': 'b', 'b': 'a'}) %}");
        const firstReplaceLine = doubled.length + 1;
        expect(error.details?.line).toBeGreaterThanOrEqual(firstReplaceLine);
        expect(error.details?.line).toBeLessThanOrEqual(firstReplaceLine + 1);
      });

      it.each([
        ['split into characters', "{{ s | split('') | length }}"],
        ['split at every character', "{{ s | split('a') | length }}"],
        ['replace the empty string', "{{ s | replace({'': 'x'}) | length }}"],
        ['escape every character', "{{ q | escapeChar('single') | length }}"],
        ['title every word', '{{ w | title | length }}'],
        ['reverse', '{{ s | reverse | length }}'],
        ['scan in a loop', "{% for i in range(1, 100) %}{{ s contains 'b' }}{% endfor %}"],
        ['hash in a loop', '{% for i in range(1, 100) %}{{ s | sha256 }}{% endfor %}'],
        ['transform in a loop', '{% for i in range(1, 100) %}{{ s | upper | length }}{% endfor %}'],
        ['join in a loop', "{% for i in range(1, 100) %}{{ l | join(',') | length }}{% endfor %}"],
      ])('%s', (_name, template) => {
        const big = 'a'.repeat(4 * 1024 * 1024);
        const vars = { s: big, q: "'".repeat(4 * 1024 * 1024), w: 'a '.repeat(4 * 1024 * 1024), l: Array.from({ length: 1_000_000 }, () => 1) };
        const error = failure(() => renderTemplate(template, vars));
        expect(error.code).toBe('EXPRESSION_LIMIT');
        expect(error.message).toContain('characters and list items built or scanned');
      });

      it('leaves ordinary work on big values alone', () => {
        const big = 'ab'.repeat(256 * 1024);
        expect(renderTemplate("{{ s | replace({'a': 'c'}) | length }} {{ s | split('b') | length }}", { s: big })).toBe(`${512 * 1024} ${256 * 1024}`);
      });
    });

    it('bounds circular and deeply nested data', () => {
      const circular: Record<string, unknown> = { a: 1 };
      circular.self = circular;
      expect(failure(() => renderTemplate('{{ c }}', { c: circular })).code).toBe('EXPRESSION_LIMIT');
      let deep: unknown = 'leaf';
      for (let i = 0; i < 10_000; i++) deep = [deep];
      expect(failure(() => renderDeep(deep, {})).code).toBe('EXPRESSION_LIMIT');
      expect(failure(() => renderTemplate('{{ d }}', { d: deep })).code).toBe('EXPRESSION_LIMIT');
    });
  });
});
