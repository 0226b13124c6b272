import { describe, expect, it } from 'vitest';
import { passwordForms, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redactSecrets('amqp://u:s3cret@host failed: s3cret refused, token tkn', ['s3cret', 'tkn'])).toBe('amqp://u:***@host failed: *** refused, token ***');
  });

  it('skips empty and missing secrets instead of inserting *** between every character', () => {
    expect(redactSecrets('connection refused', ['', undefined])).toBe('connection refused');
  });

  it('replaces a longer secret before one it contains, so no part of it is left', () => {
    expect(redactSecrets('password p@ss:word in p%40ss%3Aword', ['p@ss', ...passwordForms('p@ss:word')])).toBe('password *** in ***');
  });
});

describe('passwordForms', () => {
  it('gives the password as given and URL-encoded, once each', () => {
    expect(passwordForms('a b')).toEqual(['a b', 'a%20b']);
    expect(passwordForms('plain')).toEqual(['plain']);
  });

  it('gives nothing for no password', () => {
    expect(passwordForms(undefined)).toEqual([]);
    expect(passwordForms('')).toEqual([]);
  });
});
