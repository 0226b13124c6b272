import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { headersOf, isFlowAddress, queryOf } from './request-parts.js';

const request = (rawHeaders: string[]) => ({ rawHeaders }) as unknown as IncomingMessage;

describe('request parts', () => {
  it('gives every header value by lower-cased name, repeated names in any case in the order received', () => {
    const headers = headersOf(request(['Content-Type', 'application/json', 'X-Tag', 'a', 'x-tag', 'b', 'X-TAG', 'c']));
    expect({ ...headers }).toEqual({ 'content-type': ['application/json'], 'x-tag': ['a', 'b', 'c'] });
  });

  it('keeps a header or parameter named like a prototype property as data', () => {
    const headers = headersOf(request(['__proto__', 'x', 'constructor', 'y']));
    expect(Object.getPrototypeOf(headers)).toBeNull();
    expect(headers['__proto__']).toEqual(['x']);
    expect(headers['constructor']).toEqual(['y']);
    const query = queryOf('__proto__=1&a=2&a=3');
    expect(query['__proto__']).toEqual(['1']);
    expect(query['a']).toEqual(['2', '3']);
  });

  it('tells a possible flow address from anything else', () => {
    expect(isFlowAddress('company.team', 'trigger')).toBe(true);
    expect(isFlowAddress('Company', 'trigger')).toBe(false);
    expect(isFlowAddress('company.team', '../x')).toBe(false);
  });
});
