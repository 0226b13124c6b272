/** The public entry points besides renderTemplate, and the compile cache. */
import { isSluiceError } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { LruCache } from '../support/lru-cache.js';
import { compileTemplate, compiledCount } from './compile.js';
import { evaluateExpression, hasTemplate, isTruthy, renderDeep, renderTemplate } from './index.js';

describe('evaluateExpression', () => {
  const vars = { trigger: { body: { ok: true, count: 3, name: 'x' } }, list: [1, 2] };

  it('returns raw values, not their printed form', () => {
    expect(evaluateExpression('trigger.body.ok == true', vars)).toBe(true);
    expect(evaluateExpression('trigger.body.count * 2', vars)).toBe(6);
    expect(evaluateExpression('list', vars)).toEqual([1, 2]);
    expect(evaluateExpression("trigger.body.missing ?? 'none'", vars)).toBe('none');
    expect(evaluateExpression('trigger.body', vars)).toEqual({ ok: true, count: 3, name: 'x' });
  });

  it('reports errors with the expression and position', () => {
    try {
      evaluateExpression('trigger.body.ok and\n  nope', vars);
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe('EXPRESSION_UNDEFINED');
      expect(isSluiceError(error) && error.details).toMatchObject({ expression: 'trigger.body.ok and\n  nope', line: 2, column: 3, name: 'nope' });
    }
  });

  it('refuses template braces and trailing tokens', () => {
    expect(() => evaluateExpression('{{ a }}', { a: 1 })).toThrow(expect.objectContaining({ code: 'EXPRESSION_SYNTAX' }));
    expect(() => evaluateExpression('a b', { a: 1, b: 2 })).toThrow(expect.objectContaining({ code: 'EXPRESSION_SYNTAX' }));
  });
});

describe('renderDeep', () => {
  it('renders every string inside arrays and objects and leaves keys and other values alone', () => {
    const input = { '{{ k }}': '{{ k }}', list: ['a{{ n }}', 3, true, null, { deep: '{{ n + 1 }}' }], date: new Date(0) };
    const output = renderDeep(input, { k: 'K', n: 1 }) as Record<string, unknown>;
    expect(output).toEqual({ '{{ k }}': 'K', list: ['a1', 3, true, null, { deep: '2' }], date: new Date(0) });
    expect(output).not.toBe(input);
    expect(input.list[0]).toBe('a{{ n }}');
  });

  it('passes scalars through', () => {
    expect(renderDeep('{{ 1 + 1 }}', {})).toBe('2');
    expect(renderDeep(5, {})).toBe(5);
    expect(renderDeep(undefined, {})).toBeUndefined();
  });
});

describe('isTruthy', () => {
  it.each([
    ['', false],
    ['false', false],
    [' FALSE ', false],
    ['0', false],
    ['-0', false],
    ['null', false],
    ['NULL', false],
    ['true', true],
    ['1', true],
    ['no', true],
    ['anything', true],
  ])('%j is %s', (text, expected) => {
    expect(isTruthy(text)).toBe(expected);
  });
});

describe('hasTemplate', () => {
  it('detects each kind of markup', () => {
    expect(hasTemplate('{{ a }}')).toBe(true);
    expect(hasTemplate('{% if a %}{% endif %}')).toBe(true);
    expect(hasTemplate('{# note #}')).toBe(true);
    expect(hasTemplate('plain { text } with braces %}')).toBe(false);
  });
});

describe('compilation cache', () => {
  it('compiles a template once and reuses the tree', () => {
    const template = `cached {{ n }} ${Math.random()}`;
    const first = compileTemplate(template);
    expect(compileTemplate(template)).toBe(first);
    const count = compiledCount();
    expect(renderTemplate(template, { n: 1 })).toMatch(/^cached 1 /);
    expect(renderTemplate(template, { n: 2 })).toMatch(/^cached 2 /);
    expect(compiledCount()).toBe(count);
  });

  it('returns text without markup as is, without compiling it', () => {
    const text = `no markup here ${Math.random()}`;
    const count = compiledCount();
    expect(renderTemplate(text, {})).toBe(text);
    expect(compiledCount()).toBe(count);
  });

  it('renders a cached template quickly', () => {
    const template = 'Hello {{ trigger.body.name | upper }}{% for t in tags %}, {{ t }}{% endfor %}';
    const vars = { trigger: { body: { name: 'ada' } }, tags: ['a', 'b', 'c'] };
    const start = performance.now();
    for (let i = 0; i < 20_000; i++) renderTemplate(template, vars);
    expect(performance.now() - start).toBeLessThan(2_000);
  });

  it('evicts the least recently used entry beyond its capacity', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});

describe('options', () => {
  it('uses the injected clock and the system clock by default', () => {
    expect(renderTemplate('{{ now() }}', {}, { functions: { now: () => new Date('2020-02-02T00:00:00Z') } })).toBe('2020-02-02T00:00:00.000Z');
    expect(renderTemplate('{{ now() }}', {})).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('raises CORE_SECRET_NOT_FOUND with the position when no secret function is given', () => {
    try {
      renderTemplate("key: {{ secret('API_KEY') }}", {});
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe('CORE_SECRET_NOT_FOUND');
      expect(isSluiceError(error) && error.details).toMatchObject({ name: 'API_KEY', line: 1, column: 9 });
    }
  });

  it('wraps an unexpected failure of an injected function in a catalog error', () => {
    const functions = {
      secret: (): string => {
        throw new TypeError('boom');
      },
    };
    expect(() => renderTemplate("{{ secret('X') }}", {}, { functions })).toThrow(expect.objectContaining({ code: 'EXPRESSION_EVALUATION' }));
  });
});
