import type { PluginExample } from '@sluice/core';

/**
 * Flows that show the key-value tasks; `kv.examples.test.ts` runs every one through the engine
 * (each on a fresh store).
 */
export const setExamples: readonly PluginExample[] = [
  {
    // After Kestra's own example: remember what a task produced, for later executions.
    title: 'Keep a value for later executions, and read it back',
    flow: `id: kv_store_set
namespace: company.team

tasks:
  - id: kv_set
    type: io.kestra.plugin.core.kv.Set
    key: orders_file
    value: "orders-{{ flow.id }}.csv"
    kvType: STRING
    kvDescription: The last orders file

  - id: kv_get
    type: io.kestra.plugin.core.kv.Get
    key: orders_file

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.kv_get.value }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'orders-kv_store_set.csv' }] },
  },
  {
    title: 'Read entries in any task property with kv()',
    flow: `id: kv_function
namespace: company.team

tasks:
  - id: remember
    type: io.kestra.plugin.core.kv.Set
    key: api_region
    value: eu-west-1

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "calling {{ kv('api_region') }}, cursor {{ kv('api_cursor', errorOnMissing=false) ?? 'from the start' }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'calling eu-west-1, cursor from the start' }] },
  },
  {
    title: 'Store typed values, with a time to live',
    flow: `id: kv_typed
namespace: company.team

tasks:
  - id: count
    type: io.kestra.plugin.core.kv.Set
    key: order_count
    value: "42"
    kvType: NUMBER
    ttl: P7D

  - id: config
    type: io.kestra.plugin.core.kv.Set
    key: config
    value: '{"retries": 3, "region": "eu"}'
    kvType: JSON

  - id: read
    type: io.kestra.plugin.core.kv.Get
    key: config

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.read.value.region }} with {{ outputs.read.value.retries + 1 }} tries"
`,
    expect: { logs: [{ level: 'INFO', message: 'eu with 4 tries' }] },
  },
  {
    title: 'Refuse to replace an existing entry',
    flow: `id: kv_no_overwrite
namespace: company.team

tasks:
  - id: first
    type: io.kestra.plugin.core.kv.Set
    key: lock
    value: taken

  - id: second
    type: io.kestra.plugin.core.kv.Set
    key: lock
    value: again
    overwrite: false
`,
    expect: { state: 'FAILED', logs: [{ level: 'ERROR', message: "Cannot set value for key 'lock'. Key already exists and `overwrite` is set to `false`." }] },
  },
];

export const getExamples: readonly PluginExample[] = [
  {
    title: 'Read an entry that may be missing',
    flow: `id: kv_get_missing
namespace: company.team

tasks:
  - id: read
    type: io.kestra.plugin.core.kv.Get
    key: never_set

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.read.value ?? 'no value yet' }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'no value yet' }] },
  },
  {
    title: 'Fail when an entry is missing',
    flow: `id: kv_get_required
namespace: company.team

tasks:
  - id: read
    type: io.kestra.plugin.core.kv.Get
    key: api_cursor
    errorOnMissing: true
`,
    expect: { state: 'FAILED', logs: [{ level: 'ERROR', message: "No value found for key 'api_cursor' in namespace 'company.team' and `errorOnMissing` is set to true" }] },
  },
];

export const deleteExamples: readonly PluginExample[] = [
  {
    title: 'Delete an entry, and say whether there was one',
    flow: `id: kv_delete
namespace: company.team

tasks:
  - id: set
    type: io.kestra.plugin.core.kv.Set
    key: temporary
    value: soon gone

  - id: delete
    type: io.kestra.plugin.core.kv.Delete
    key: temporary

  - id: again
    type: io.kestra.plugin.core.kv.Delete
    key: temporary

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "first {{ outputs.delete.deleted }}, then {{ outputs.again.deleted }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'first true, then false' }] },
  },
];

export const getKeysExamples: readonly PluginExample[] = [
  {
    title: 'List the keys of a namespace by prefix',
    flow: `id: kv_keys
namespace: company.team

tasks:
  - id: a
    type: io.kestra.plugin.core.kv.Set
    key: report.daily
    value: 1
    namespace: company.reports

  - id: b
    type: io.kestra.plugin.core.kv.Set
    key: report.weekly
    value: 2
    namespace: company.reports

  - id: keys
    type: io.kestra.plugin.core.kv.GetKeys
    namespace: company.reports
    prefix: report.

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.keys.keys | join(', ') }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'report.daily, report.weekly' }] },
  },
];
