import { describe, expect, it } from 'vitest';
import { validateFlow } from '@sluice/plugin-testing';
import plugin, { RequestOutput, RequestProps } from './index.js';

// What the host accepts and refuses when a flow with a Request task is saved.
const flow = (props: string, type = 'io.kestra.plugin.core.http.Request') => `id: calls
namespace: company.team
tasks:
  - id: call
    type: ${type}
${props}`;
const paths = (props: string, type?: string) => validateFlow(flow(props, type), plugin).map((p) => p.path);

describe('Request props at save time', () => {
  it("accepts Kestra's spellings: options, timeouts in any case, auth, the deprecated fields, the old type", () => {
    expect(paths('    uri: https://example.com\n')).toEqual([]);
    expect(paths('    uri: https://example.com\n', 'io.kestra.plugin.fs.http.Request')).toEqual([]);
    expect(
      paths(`    uri: "{{ inputs.url }}"
    method: POST
    headers:
      X-API-KEY: abcde12345
      X-Count: 3
    body: '{"a": 1}'
    contentType: application/json
    allowFailed: true
    options:
      allowFailed: "{{ inputs.lenient }}"
      followRedirects: false
      connectTimeout: PT1M
      readTimeout: PT30S
      timeout:
        connectTimeout: pt0.25s
        readIdleTimeout: PT10M
      auth:
        type: BASIC
        username: "{{ secret('API_USERNAME') }}"
        password: "{{ secret('API_PASSWORD') }}"
      maxContentLength: 1048576
`),
    ).toEqual([]);
    expect(paths('    uri: https://example.com\n    method: POST\n    contentType: multipart/form-data\n    formData:\n      user: John Doe\n')).toEqual([]);
  });

  it('refuses a missing uri, an unknown method, a bad duration and a limit over 10 MiB', () => {
    expect(paths('    method: GET\n')).toEqual(['tasks[0].uri']);
    expect(paths('    uri: https://example.com\n    method: FETCH\n')).toEqual(['tasks[0].method']);
    expect(paths('    uri: https://example.com\n    options:\n      timeout:\n        connectTimeout: 10s\n')).toEqual(['tasks[0].options.timeout.connectTimeout']);
    expect(paths('    uri: https://example.com\n    options:\n      maxContentLength: 20000000\n')).toEqual(['tasks[0].options.maxContentLength']);
  });

  it('refuses what it cannot honour rather than ignoring it: encryptBody, proxy, ssl, logs, sslOptions', () => {
    expect(paths('    uri: https://example.com\n    encryptBody: true\n')).toEqual(['tasks[0].encryptBody']);
    expect(paths('    uri: https://example.com\n    sslOptions: {}\n')).toEqual(['tasks[0].sslOptions']);
    expect(paths('    uri: https://example.com\n    options:\n      proxy: { address: p }\n')).toEqual(['tasks[0].options.proxy']);
    expect(paths('    uri: https://example.com\n    options:\n      ssl: { insecureTrustAllCertificates: true }\n')).toEqual(['tasks[0].options.ssl']);
    expect(paths('    uri: https://example.com\n    options:\n      logs: [REQUEST_HEADERS]\n')).toEqual(['tasks[0].options.logs']);
  });
});

describe('Request schemas', () => {
  it('describe every prop and output, and refuse unknown props', () => {
    expect(RequestProps.additionalProperties).toBe(false);
    for (const schema of Object.values(RequestProps.properties)) expect(schema.description).toMatch(/\S/);
    for (const schema of Object.values(RequestOutput.properties)) expect(schema.description).toMatch(/\S/);
  });
});
