import { describe, expect, it } from 'vitest';
import { cookieValue, csrfRefusal, isFromScript, isUnsafeMethod, ownOrigin, sameSecret } from './browser-requests.js';

describe('browser requests', () => {
  it('tells a page script from a navigation or a program', () => {
    expect(isFromScript({ 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' })).toBe(true);
    expect(isFromScript({ 'sec-fetch-mode': 'same-origin', 'sec-fetch-dest': 'empty' })).toBe(true);
    expect(isFromScript({ accept: 'text/event-stream' })).toBe(true);
    // Node's fetch sends the mode alone: an API client.
    expect(isFromScript({ 'sec-fetch-mode': 'cors' })).toBe(false);
    expect(isFromScript({ 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' })).toBe(false);
    expect(isFromScript({ 'x-requested-with': 'XMLHttpRequest' })).toBe(true);
    expect(isFromScript({ 'sec-fetch-mode': 'navigate' })).toBe(false);
    expect(isFromScript({ 'user-agent': 'curl/8.5.0' })).toBe(false);
    expect(isFromScript({})).toBe(false);
  });

  it('names the unsafe methods', () => {
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].every(isUnsafeMethod)).toBe(true);
    expect(['GET', 'HEAD', 'OPTIONS'].some(isUnsafeMethod)).toBe(false);
  });

  it('takes the origin of SLUICE_URL, else of the Host header', () => {
    expect(ownOrigin('https://sluice.example.com/base/', 'ignored:1', 'http')).toBe('https://sluice.example.com');
    expect(ownOrigin('http://example.com:80', 'x', 'http')).toBe('http://example.com');
    expect(ownOrigin(undefined, 'LocalHost:8080', 'http')).toBe('http://localhost:8080');
  });

  it('refuses a cookie-authenticated unsafe request without both the CSRF token and the own origin, naming what is missing', () => {
    const origin = 'http://127.0.0.1:8080';
    expect(csrfRefusal({ 'x-csrf-token': 'tok', origin }, 'tok', origin)).toBeUndefined();
    expect(csrfRefusal({ origin }, 'tok', origin)).toMatch(/X-CSRF-Token header is missing/);
    expect(csrfRefusal({ 'x-csrf-token': 'other', origin }, 'tok', origin)).toMatch(/does not match/);
    expect(csrfRefusal({ 'x-csrf-token': 'tok' }, 'tok', origin)).toMatch(/Origin header is missing/);
    expect(csrfRefusal({ 'x-csrf-token': 'tok', origin: 'https://evil.example' }, 'tok', origin)).toMatch(/is not this server's origin/);
    expect(csrfRefusal({ 'x-csrf-token': 'tok', origin: 'null' }, 'tok', origin)).toMatch(/is not this server's origin/);
  });

  it('compares secrets of any length without throwing', () => {
    expect(sameSecret('a', 'a')).toBe(true);
    expect(sameSecret('a', 'ab')).toBe(false);
    expect(sameSecret('', 'x')).toBe(false);
  });

  it('reads one cookie from a Cookie header', () => {
    expect(cookieValue('a=1; sluice_session=abc; b=2', 'sluice_session')).toBe('abc');
    expect(cookieValue('xsluice_session=abc', 'sluice_session')).toBeUndefined();
    expect(cookieValue(undefined, 'sluice_session')).toBeUndefined();
  });
});
