import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { bodyVariable, headersVariable, isTextual, MAX_BODY_DEPTH, parametersVariable, parseContentType } from './body.js';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('bodyVariable', () => {
  it('is null for an empty body, whatever the content type', () => {
    expect(bodyVariable(new Uint8Array(0), undefined)).toBeNull();
    expect(bodyVariable(new Uint8Array(0), 'application/json')).toBeNull();
    expect(bodyVariable(new Uint8Array(0), 'application/octet-stream')).toBeNull();
  });

  it('parses a JSON object', () => {
    expect(bodyVariable(utf8('{"hello":"world","n":[1,2]}'), 'application/json')).toEqual({ hello: 'world', n: [1, 2] });
  });

  it('parses a JSON array', () => {
    expect(bodyVariable(utf8('[1,{"a":2}]'), 'application/json')).toEqual([1, { a: 2 }]);
  });

  it.each(['42', '"bla"', 'true', 'null'])('keeps a JSON scalar (%s) as the raw string, as Kestra does', (text) => {
    expect(bodyVariable(utf8(text), 'application/json')).toBe(text);
  });

  it('keeps a JSON string literal holding escaped JSON as the raw string (Kestra test webhook())', () => {
    const text = '"{\\"a\\":\\"1\\"}"';
    expect(bodyVariable(utf8(text), 'application/json')).toBe(text);
  });

  it(`refuses JSON nested deeper than ${MAX_BODY_DEPTH} levels before parsing it, and takes it at the limit`, () => {
    const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    expect(bodyVariable(utf8(nested(MAX_BODY_DEPTH)), 'application/json')).toBeTypeOf('object');
    for (const text of [nested(MAX_BODY_DEPTH + 1), nested(100_000), '['.repeat(10 * 1024 * 1024)]) {
      let caught: unknown;
      try {
        bodyVariable(utf8(text), 'application/json');
      } catch (error) {
        caught = error;
      }
      expect(isSluiceError(caught, 'WEBHOOK_BODY_TOO_DEEP')).toBe(true);
    }
  });

  it('keeps invalid JSON under application/json as the raw string', () => {
    expect(bodyVariable(utf8('{"unterminated": '), 'application/json')).toBe('{"unterminated": ');
  });

  it('parses JSON whatever the textual content type, and without one', () => {
    for (const type of [undefined, 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'text/csv', 'application/yaml']) {
      expect(bodyVariable(utf8('{"a":1}'), type), String(type)).toEqual({ a: 1 });
    }
  });

  it('keeps a form-urlencoded body raw: fields are not parsed', () => {
    expect(bodyVariable(utf8('a=1&b=2'), 'application/x-www-form-urlencoded')).toBe('a=1&b=2');
  });

  it('keeps XML and plain text raw', () => {
    expect(bodyVariable(utf8('<a>1</a>'), 'application/xml')).toBe('<a>1</a>');
    expect(bodyVariable(utf8('hello'), 'text/plain')).toBe('hello');
    expect(bodyVariable(utf8('hello'), undefined)).toBe('hello');
  });

  it('decodes UTF-8, dropping a byte-order mark so the JSON still parses', () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"é":"🚀"}')]);
    expect(bodyVariable(withBom, 'application/json; charset=utf-8')).toEqual({ é: '🚀' });
  });

  it('decodes Latin-1 when the charset says so', () => {
    const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x80]); // "café" and a C1 control
    expect(bodyVariable(latin1, 'text/plain; charset=ISO-8859-1')).toBe('café\u0080');
    expect(bodyVariable(latin1, 'text/plain; charset="latin1"')).toBe('café\u0080');
  });

  it('falls back to UTF-8 for a charset it does not know', () => {
    expect(bodyVariable(utf8('{"a":"é"}'), 'application/json; charset=klingon')).toEqual({ a: 'é' });
  });

  it('gives the base64 of the bytes for a binary content type', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(bodyVariable(bytes, 'application/octet-stream')).toBe('AAEC+v8=');
    expect(bodyVariable(utf8('{"a":1}'), 'image/png')).toBe(Buffer.from('{"a":1}').toString('base64'));
  });

  it('encodes only the view, not the whole underlying buffer', () => {
    const backing = new Uint8Array([9, 9, 1, 2, 9]);
    expect(bodyVariable(backing.subarray(2, 4), 'application/octet-stream')).toBe(Buffer.from([1, 2]).toString('base64'));
    const text = utf8('xx{"a":1}xx');
    expect(bodyVariable(text.subarray(2, 9), 'application/json')).toEqual({ a: 1 });
  });

  it('keeps a __proto__ key as plain data', () => {
    const body = bodyVariable(utf8('{"__proto__":{"polluted":true}}'), 'application/json') as Record<string, unknown>;
    expect(Object.hasOwn(body, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('isTextual', () => {
  it.each(['', 'text/plain', 'text/html', 'application/json', 'application/vnd.api+json', 'application/xml', 'image/svg+xml',
    'application/x-www-form-urlencoded', 'application/yaml', 'application/x-yaml', 'text/csv', 'application/csv'])('%s is textual', (type) => {
    expect(isTextual(type)).toBe(true);
  });

  it.each(['application/octet-stream', 'image/png', 'application/pdf', 'multipart/form-data', 'application/jsonx', 'json'])('%s is binary', (type) => {
    expect(isTextual(type)).toBe(false);
  });
});

describe('parseContentType', () => {
  it('lower-cases the media type and the charset, and ignores other parameters', () => {
    expect(parseContentType(' Application/JSON ; boundary=x; Charset = "UTF-8" ')).toEqual({ type: 'application/json', charset: 'utf-8' });
    expect(parseContentType('text/plain')).toEqual({ type: 'text/plain' });
    expect(parseContentType(undefined)).toEqual({ type: '' });
  });
});

describe('headersVariable and parametersVariable', () => {
  it('lower-cases header names and merges their values in order', () => {
    expect(headersVariable({ 'X-Event': ['a'], 'x-event': ['b'], Accept: ['*/*'] })).toEqual({ 'x-event': ['a', 'b'], accept: ['*/*'] });
  });

  it('keeps every query value as a list, and copies the lists', () => {
    const query = { age: ['12', '13'], empty: [''] };
    const parameters = parametersVariable(query);
    expect(parameters).toEqual({ age: ['12', '13'], empty: [''] });
    expect(parameters.age).not.toBe(query.age);
  });
});
