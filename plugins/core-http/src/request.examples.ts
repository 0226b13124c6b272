import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Request task. Each one is documentation that runs: the plugin reference
 * shows them and `request.examples.test.ts` executes them through the engine, with the
 * `base_url` input pointed at a server the test starts on 127.0.0.1 (the defaults name the
 * public test API Kestra's own examples use).
 */
export const requestExamples: readonly PluginExample[] = [
  {
    title: 'Call an API and read a field of its JSON answer',
    flow: `id: read_product
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://dummyjson.com

tasks:
  - id: get_product
    type: io.kestra.plugin.core.http.Request
    uri: "{{ inputs.base_url }}/products/1"

  - id: log_title
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.get_product.code }}: {{ fromJson(outputs.get_product.body).title }}"
`,
    expect: { logs: [{ level: 'INFO', message: '200: Kestra Pen' }] },
  },
  {
    // After Kestra's example of a JSON payload from an input.
    title: 'Send a JSON payload from an input with POST',
    flow: `id: http_post_request_example
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://dummyjson.com
  - id: payload
    type: JSON
    defaults: |
      {"title": "Kestra Pen"}

tasks:
  - id: send_data
    type: io.kestra.plugin.core.http.Request
    uri: "{{ inputs.base_url }}/products/add"
    method: POST
    contentType: application/json
    body: "{{ inputs.payload }}"

  - id: print_status
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.send_data.code }} {{ outputs.send_data.body }}"
`,
    expect: { logs: [{ level: 'INFO', message: '201 {"id":101,"title":"Kestra Pen"}' }] },
  },
  {
    title: 'Authenticate with a bearer token read from a secret',
    flow: `id: jwt_auth_call
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://dummyjson.com

tasks:
  - id: auth_token_api
    type: io.kestra.plugin.core.http.Request
    uri: "{{ inputs.base_url }}/user/me"
    headers:
      Authorization: "Bearer {{ secret('API_TOKEN') }}"

  - id: who
    type: io.kestra.plugin.core.log.Log
    message: "{{ fromJson(outputs.auth_token_api.body).username }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'emilys' }] },
  },
  {
    title: 'Post a form, URL-encoded',
    flow: `id: http_form
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://dummyjson.com

tasks:
  - id: login
    type: io.kestra.plugin.core.http.Request
    uri: "{{ inputs.base_url }}/auth/login"
    method: POST
    headers:
      user-agent: sluice
    formData:
      username: emilys
      expiresInMins: 30

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.login.code }}"
`,
    expect: { logs: [{ level: 'INFO', message: '200' }] },
  },
  {
    title: 'Accept a 404 and decide on the code',
    flow: `id: maybe_missing
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://dummyjson.com

tasks:
  - id: lookup
    type: io.kestra.plugin.core.http.Request
    uri: "{{ inputs.base_url }}/products/0"
    options:
      allowFailed: true
      timeout:
        connectTimeout: PT10S
        readIdleTimeout: PT30S

  - id: report
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.lookup.code == 404 ? 'not found' : 'found' }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'not found' }] },
  },
  {
    title: 'A 4xx or 5xx answer fails the task unless allowed',
    flow: `id: strict_call
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://dummyjson.com

tasks:
  - id: lookup
    type: io.kestra.plugin.core.http.Request
    uri: "{{ inputs.base_url }}/products/0"

  - id: never
    type: io.kestra.plugin.core.log.Log
    message: not reached
`,
    expect: { state: 'FAILED' },
  },
];
