import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { apiCurl, checkJson, queryString, webhookCurl } from './curl.js';

/** The argv a shell gives curl for `command`: a fake curl prints each argument on its own line, NUL-separated. */
function argvOf(command: string, env: Record<string, string> = {}): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}`;
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
  return out.split('\0').slice(0, -1);
}

const url = ['http://127.0.0.1:8080/api/v1/main/executions/webhook/company.team/trigger/4wjtkzwVGBM9yKnjm3yv8r'];

describe('webhookCurl', () => {
  it('posts the payload as JSON with the URL last', () => {
    const command = webhookCurl({ url, method: 'POST', body: '{"a":1}', headers: [], query: [] });
    expect(argvOf(command)).toEqual(['-X', 'POST', '-H', 'Content-Type: application/json', '--data-raw', '{"a":1}', url[0]]);
  });

  it('keeps quotes, $, newlines and unicode in the payload and headers exactly', () => {
    const body = JSON.stringify({ note: "it's $HOME `id`", lines: 'a\nb', emoji: 'Hello World! 🚀', zh: '中文' }, null, 2);
    const command = webhookCurl({ url, method: 'PUT', body, headers: [{ name: 'X-Note', value: `l'été $PATH "q"` }], query: [] });
    const argv = argvOf(command);
    expect(argv).toContain(body);
    expect(argv).toContain(`X-Note: l'été $PATH "q"`);
    expect(argv[1]).toBe('PUT');
  });

  it('sends no body and no content type for GET, with the query parameters encoded', () => {
    const command = webhookCurl({ url, method: 'GET', body: '{"ignored":true}', headers: [], query: [{ name: 'a b', value: 'x&y=é' }, { name: '', value: 'skipped' }] });
    expect(argvOf(command)).toEqual(['-X', 'GET', `${url[0]}?a%20b=x%26y%3D%C3%A9`]);
  });

  it('keeps a content type the user set', () => {
    const command = webhookCurl({ url, method: 'POST', body: 'a=1', headers: [{ name: 'content-type', value: 'text/plain' }], query: [] });
    expect(argvOf(command).filter((a) => /content-type/i.test(a))).toEqual(['content-type: text/plain']);
  });

  it('reads a key kept in a secret from an environment variable', () => {
    const command = webhookCurl({ url: ['http://h/api/v1/main/executions/webhook/ns/f/', { env: 'WEBHOOK_KEY' }], method: 'POST', body: '{}', headers: [], query: [{ name: 'q', value: '1' }] });
    expect(command).toContain('"$WEBHOOK_KEY"');
    expect(argvOf(command, { WEBHOOK_KEY: 's3cr3t' }).at(-1)).toBe('http://h/api/v1/main/executions/webhook/ns/f/s3cr3t?q=1');
  });
});

describe('apiCurl', () => {
  it('authenticates with $SLUICE_AUTH and sends the inputs as JSON', () => {
    const command = apiCurl({ origin: 'http://127.0.0.1:8080', namespace: 'company.team', flowId: 'hello', inputs: { name: "O'Brien", empty: '', n: 3 } });
    expect(command).toContain('-u "$SLUICE_AUTH"');
    expect(argvOf(command, { SLUICE_AUTH: 'admin:pw' })).toEqual(['-u', 'admin:pw', '-X', 'POST', '-H', 'Content-Type: application/json', '--data-raw', '{"name":"O\'Brien","n":3}', 'http://127.0.0.1:8080/api/v1/main/executions/company.team/hello']);
  });
});

describe('checkJson and queryString', () => {
  it('refuses invalid JSON with the parser message', () => {
    expect(checkJson('{"a":')).toMatchObject({ ok: false });
    expect(checkJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('is empty without parameters', () => {
    expect(queryString([])).toBe('');
  });
});
