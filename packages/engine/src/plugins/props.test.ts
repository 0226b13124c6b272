import { describe, expect, it } from 'vitest';
import { DYNAMIC_KEYWORD, Dynamic, Type } from '@sluice/core';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { prepareProps, validateOutput } from './props.js';
import { acceptTemplates, schemasOf } from './schemas.js';
import type { RegisteredTask, RegisteredTrigger } from './types.js';

const registry = testRegistry();
const log = registry.task('io.kestra.plugin.core.log.Log') as RegisteredTask;
const request = registry.task('dev.sluice.test.Request') as RegisteredTask;
const webhook = registry.trigger('io.kestra.plugin.core.trigger.Webhook') as RegisteredTrigger;

// A stand-in for the expression engine: replaces `{{ name }}` from a map, deep.
const vars: Record<string, unknown> = { who: 'World', level: 'WARN', id: '42' };
const render = (value: unknown): unknown => {
  if (typeof value === 'string') {
    return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
      if (!(name in vars)) throw new Error(`'${name}' is not defined`);
      return String(vars[name]);
    });
  }
  if (Array.isArray(value)) return value.map(render);
  return value;
};

describe('prepareProps', () => {
  it('renders host-rendered Dynamic fields, applies defaults and validates', () => {
    expect(prepareProps(log, { message: 'Hello {{ who }}' }, render)).toEqual({ ok: true, props: { message: 'Hello World', level: 'INFO' } });
    expect(prepareProps(log, { message: ['a {{ who }}', 'b'], level: '{{ level }}' }, render)).toEqual({
      ok: true,
      props: { message: ['a World', 'b'], level: 'WARN' },
    });
  });

  it('renders nested Dynamic fields and leaves plugin-rendered and plain fields as written', () => {
    const raw = { uri: 'https://x/{{ id }}', inputs: { body: '{{ who }}', raw: '{{ who }}' }, verbose: true };
    const result = prepareProps(request, raw, render);
    expect(result).toEqual({ ok: true, props: { uri: 'https://x/42', retries: 2, inputs: { body: 'World', raw: '{{ who }}' }, verbose: true } });
    expect(raw.inputs.body).toBe('{{ who }}'); // the input is not modified
  });

  it('copies the props it renders: nested objects and lists of the flow are never changed or shared', () => {
    const raw = { uri: 'https://x/{{ id }}', inputs: { body: '{{ who }}', raw: '{{ who }}' }, verbose: true };
    const first = prepareProps(request, raw, render);
    const second = prepareProps(request, raw, render);
    if (!first.ok || !second.ok) throw new Error('expected both to pass');
    expect(first.props.inputs).not.toBe(raw.inputs);
    expect(first.props.inputs).not.toBe(second.props.inputs);
    (first.props.inputs as Record<string, unknown>).raw = 'changed';
    expect(raw.inputs.raw).toBe('{{ who }}');
    expect((second.props.inputs as Record<string, unknown>).raw).toBe('{{ who }}');
  });

  it('keeps a `__proto__` key of the props as a key, never as the copy\'s prototype', () => {
    const raw = JSON.parse('{"message": "hi", "__proto__": {"polluted": true}}') as Record<string, unknown>;
    const result = prepareProps(log, raw, render);
    // The key is refused by the strict schema (no additional properties), and nothing is polluted.
    expect(result.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    if (result.ok) return;
    expect(result.errors.map((e) => e.path)).toContain('__proto__');
  });

  it('validates the rendered value strictly and reports every problem with its path', () => {
    const result = prepareProps(request, { uri: 5, retries: '{{ who }}', inputs: { body: 'x', extra: 1 }, other: 1 }, render);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: 'uri', message: 'must be a string, got number 5' },
        { path: 'retries', message: 'must be an integer, got the string "World"' },
        { path: 'inputs.extra', message: "unknown property 'extra'" },
        { path: 'other', message: "unknown property 'other'" },
        { path: 'inputs.raw', message: "missing required property 'raw'" },
      ]),
    );
    expect(result.errors).toHaveLength(5);
  });

  it('reports a field that fails to render once, for the render error', () => {
    const result = prepareProps(log, { message: 'Hi {{ nobody }}', level: 'LOUD' }, render);
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: 'message', message: "'nobody' is not defined" },
        { path: 'level', message: 'must be one of TRACE, DEBUG, INFO, WARN, ERROR, got the string "LOUD"' },
      ],
    });
  });

  it('works for triggers, and reports a missing required prop', () => {
    expect(prepareProps(webhook, { key: '{{ id }}' }, render)).toEqual({ ok: true, props: { key: '42', wait: false } });
    expect(prepareProps(webhook, {}, render)).toEqual({ ok: false, errors: [{ path: 'key', message: "missing required property 'key'" }] });
  });
});

describe('validateOutput', () => {
  it('accepts an output that fits the schema and explains one that does not', () => {
    expect(validateOutput(request, { status: 200 })).toEqual({ ok: true });
    expect(validateOutput(request, { status: 'ok' })).toEqual({ ok: false, message: 'status: must be an integer, got the string "ok"' });
    expect(validateOutput(request, undefined)).toEqual({ ok: false, message: 'must be a mapping, got nothing' });
  });
});

describe('save-time schemas', () => {
  it('accept a template in Dynamic fields only', () => {
    const { saveTime, strict } = schemasOf(log.definition);
    expect(saveTime.Check({ message: '{{ x }}', level: '{{ inputs.level }}' })).toBe(true);
    expect(saveTime.Check({ message: '{% if a %}b{% endif %}' })).toBe(true);
    expect(saveTime.Check({ message: 'plain', level: 'LOUD' })).toBe(false);
    expect(saveTime.Check({ message: 42 })).toBe(false);
    expect(strict.Check({ message: 'x', level: '{{ inputs.level }}' })).toBe(false);
    expect(schemasOf(log.definition)).toBe(schemasOf(log.definition)); // compiled once
  });

  it('transform nested Dynamic fields and keep description, default and the keyword outside', () => {
    const schema = Type.Object(
      { nested: Type.Object({ when: Dynamic(Type.Boolean({ description: 'A flag.', default: true })) }, { description: 'n' }), plain: Type.Integer({ description: 'p' }) },
      { additionalProperties: false },
    );
    const transformed = acceptTemplates(schema) as unknown as { properties: { nested: { properties: { when: Record<string, unknown> } }; plain: Record<string, unknown> } };
    const when = transformed.properties.nested.properties.when;
    expect(when).toMatchObject({ description: 'A flag.', default: true, [DYNAMIC_KEYWORD]: 'host' });
    expect((when.anyOf as unknown[]).length).toBe(2);
    expect(transformed.properties.plain.anyOf).toBeUndefined();
    expect('anyOf' in schema.properties.nested.properties.when).toBe(false); // the original is untouched
  });
});
