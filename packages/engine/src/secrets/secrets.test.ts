import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import { createSecretReader, envSecrets, mapSecrets, maskSecrets, SECRET_MASK } from './index.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('envSecrets', () => {
  it('reads SECRET_<NAME> as base64', () => {
    const secrets = envSecrets({ SECRET_API_TOKEN: b64('s3cr3t-token') });
    expect(secrets('API_TOKEN')).toBe('s3cr3t-token');
  });

  it("upper-cases the name as Kestra's SecretService does: secret('api_token') reads SECRET_API_TOKEN", () => {
    const secrets = envSecrets({ SECRET_API_TOKEN: b64('upper'), SECRET_api_token: b64('lower') });
    expect(secrets('api_token')).toBe('upper');
    expect(secrets('Api_Token')).toBe('upper');
    // Kestra strips the prefix and looks the upper-cased name up: a lower-case variable is never found.
    expect(envSecrets({ SECRET_api_token: b64('lower') })('api_token')).toBeUndefined();
  });

  it('names the upper-cased variable when its value is not base64', () => {
    expect(() => envSecrets({ SECRET_MY_KEY: 'not base64!' })('my_key')).toThrow(/SECRET_MY_KEY must hold/);
  });

  it('returns undefined for a secret that is not set', () => {
    expect(envSecrets({})('NOPE')).toBeUndefined();
    expect(envSecrets({ API_TOKEN: b64('x') })('API_TOKEN')).toBeUndefined();
  });

  it('trims the trailing newline that `echo x | base64` encodes (Kestra #1856)', () => {
    const secrets = envSecrets({ SECRET_KEY: b64('abcd\n'), SECRET_CRLF: b64('abcd\r\n') });
    expect(secrets('KEY')).toBe('abcd');
    expect(secrets('CRLF')).toBe('abcd');
  });

  it('keeps inner newlines and leading spaces, which may be meant (a PEM key)', () => {
    const pem = '-----BEGIN KEY-----\nAAAA\n-----END KEY-----';
    expect(envSecrets({ SECRET_PEM: b64(`${pem}\n`) })('PEM')).toBe(pem);
    expect(envSecrets({ SECRET_SP: b64('  x') })('SP')).toBe('  x');
  });

  it('accepts line-wrapped base64 and base64 without padding', () => {
    const long = 'x'.repeat(100);
    const wrapped = b64(long).replace(/(.{76})/g, '$1\n');
    expect(envSecrets({ SECRET_LONG: wrapped })('LONG')).toBe(long);
    expect(envSecrets({ SECRET_NOPAD: b64('ab').replace(/=+$/, '') })('NOPAD')).toBe('ab');
  });

  it('refuses a value that is not base64 with a coded error naming the variable', () => {
    try {
      envSecrets({ SECRET_BAD: 'not base64!' })('BAD');
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe('SECRET_INVALID_ENCODING');
      expect(isSluiceError(error) && error.message).toContain('SECRET_BAD');
      expect(String(error)).not.toContain('not base64!');
    }
  });

  it('reads the process environment by default', () => {
    process.env.SECRET_SLUICE_TEST_DEFAULT = b64('from-env');
    try {
      expect(envSecrets()('SLUICE_TEST_DEFAULT')).toBe('from-env');
    } finally {
      delete process.env.SECRET_SLUICE_TEST_DEFAULT;
    }
  });
});

describe('mapSecrets', () => {
  it('reads own keys only', () => {
    const secrets = mapSecrets({ A: '1' });
    expect(secrets('A')).toBe('1');
    expect(secrets('toString')).toBeUndefined();
  });
});

describe('maskSecrets', () => {
  it('replaces every occurrence of each value', () => {
    expect(maskSecrets('token=abcd1234 again abcd1234', ['abcd1234'])).toBe(`token=${SECRET_MASK} again ${SECRET_MASK}`);
  });

  it('leaves values shorter than 4 characters alone', () => {
    expect(maskSecrets('a 123 b', ['123', ''])).toBe('a 123 b');
  });

  it('masks a secret containing another one whole', () => {
    expect(maskSecrets('x=password123', ['pass', 'password123'])).toBe(`x=${SECRET_MASK}`);
  });

  it('treats values literally, not as patterns', () => {
    expect(maskSecrets('a.*b+c a.*b+c', ['a.*b+c'])).toBe(`${SECRET_MASK} ${SECRET_MASK}`);
  });
});

describe('createSecretReader', () => {
  it('remembers what it read, and masks it', () => {
    const reader = createSecretReader(mapSecrets({ KEY: 'hunter22' }));
    expect(reader.mask('hunter22')).toBe('hunter22');
    expect(reader.read('KEY')).toBe('hunter22');
    expect(reader.mask('pw hunter22')).toBe(`pw ${SECRET_MASK}`);
    reader.remember('other-value');
    expect([...reader.values()]).toEqual(['hunter22', 'other-value']);
  });

  it('throws CORE_SECRET_NOT_FOUND for an unknown secret', () => {
    const reader = createSecretReader(mapSecrets({}));
    expect(() => reader.read('MISSING')).toThrow(expect.objectContaining({ code: 'CORE_SECRET_NOT_FOUND' }));
  });
});
