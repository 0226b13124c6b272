import { describe, expect, it } from 'vitest';
import { maskIn, maskKey, webhookKeyOf } from './mask.js';

describe('maskKey', () => {
  it('shows only the first three characters of a long key', () => {
    expect(maskKey('4wjtkzwVGBM9yKnjm3yv8r')).toBe('4wj******');
  });

  it('hides a short key entirely', () => {
    expect(maskKey('abc')).toBe('******');
    expect(maskKey('12345678901')).toBe('******');
  });
});

describe('maskIn', () => {
  it('masks the key in a command, plain or URL-encoded', () => {
    const key = 'a key/with spaces';
    const text = `curl 'http://h/x/${encodeURIComponent(key)}' # ${key}`;
    const masked = maskIn(text, key);
    expect(masked).not.toContain(key);
    expect(masked).not.toContain(encodeURIComponent(key));
    expect(masked).toContain('a k******');
  });

  it('leaves the text alone without a key', () => {
    expect(maskIn('text', undefined)).toBe('text');
  });
});

describe('webhookKeyOf', () => {
  it('reads the decoded key from a webhook URL', () => {
    expect(webhookKeyOf('http://h/api/v1/main/executions/webhook/ns/flow/a%20b?x=1')).toBe('a b');
    expect(webhookKeyOf('http://h/other')).toBeUndefined();
  });
});
