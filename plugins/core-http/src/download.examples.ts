import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the Download task. `download.examples.test.ts` runs them through the engine
 * with the `base_url` input pointed at a server the test starts on 127.0.0.1 (the defaults name
 * the public files Kestra's own examples use).
 */
export const downloadExamples: readonly PluginExample[] = [
  {
    title: 'Download a CSV file and read it in a later task',
    flow: `id: download
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://huggingface.co/datasets/kestra/datasets/raw/main

tasks:
  - id: extract
    type: io.kestra.plugin.core.http.Download
    uri: "{{ inputs.base_url }}/csv/orders.csv"

  - id: log_size
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.extract.code }}: {{ outputs.extract.length }} bytes, first line {{ read(outputs.extract.uri) | split('\\n') | first }}"
`,
    expect: { logs: [{ level: 'INFO', message: '200: 53 bytes, first line order_id,customer_name,total' }] },
  },
  {
    title: 'Accept an empty answer instead of failing',
    flow: `id: download_maybe_empty
namespace: company.team

inputs:
  - id: base_url
    type: URI
    defaults: https://example.com

tasks:
  - id: fetch_report
    type: io.kestra.plugin.core.http.Download
    uri: "{{ inputs.base_url }}/reports/today"
    failOnEmptyResponse: false

  - id: log_length
    type: io.kestra.plugin.core.log.Log
    message: "report of {{ outputs.fetch_report.length }} bytes"
`,
    expect: { logs: [{ level: 'INFO', message: 'report of 0 bytes' }] },
  },
];
