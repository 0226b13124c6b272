import { describe, expect, it } from 'vitest';
import { webhookRequest } from './webhook-request.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('webhookRequest', () => {
  it('sends JSON as UTF-8 bytes with an application/json content type', () => {
    const request = webhookRequest({ key: 'k', json: { hello: 'wörld 🚀' } });
    expect(request.method).toBe('POST');
    expect(request.key).toBe('k');
    expect(text(request.body)).toBe('{"hello":"wörld 🚀"}');
    expect(request.body.byteLength).toBe(new TextEncoder().encode('{"hello":"wörld 🚀"}').byteLength);
    expect(request.headers).toEqual({ 'content-type': ['application/json'] });
  });

  it('keeps a content type the caller set for JSON', () => {
    const request = webhookRequest({ key: 'k', json: [1], headers: { 'Content-Type': 'application/vnd.api+json' } });
    expect(request.headers).toEqual({ 'content-type': ['application/vnd.api+json'] });
  });

  it('sends text as is, without adding a content type', () => {
    const request = webhookRequest({ key: 'k', text: 'a=1&b=2' });
    expect(text(request.body)).toBe('a=1&b=2');
    expect(request.headers).toEqual({});
  });

  it('copies bytes exactly', () => {
    const bytes = new Uint8Array([0, 255, 10]);
    const request = webhookRequest({ key: 'k', bytes });
    expect([...request.body]).toEqual([0, 255, 10]);
    expect(request.body).not.toBe(bytes);
  });

  it('has an empty body when none is given', () => {
    const request = webhookRequest({ method: 'GET', key: 'k' });
    expect(request.method).toBe('GET');
    expect(request.body.byteLength).toBe(0);
  });

  it('lower-cases header names, merging values of names that differ only in case', () => {
    const request = webhookRequest({ key: 'k', headers: { 'X-Event': 'a', 'x-event': ['b', 'c'] } });
    expect(request.headers).toEqual({ 'x-event': ['a', 'b', 'c'] });
  });

  it('makes every query value a list', () => {
    const request = webhookRequest({ key: 'k', query: { age: ['12', '13'], name: 'ada' } });
    expect(request.query).toEqual({ age: ['12', '13'], name: ['ada'] });
  });

  it('refuses two bodies at once', () => {
    expect(() => webhookRequest({ key: 'k', json: {}, text: 'x' })).toThrow(TypeError);
  });
});
