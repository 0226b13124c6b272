import type { PluginExample } from '@sluice/core';

/** Flows that show the ForEach task; `examples.test.ts` runs each one. */
export const forEachExamples: readonly PluginExample[] = [
  {
    title: 'Run tasks for each value, reading outputs by value',
    flow: `id: for_each
namespace: company.team

tasks:
  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: ["alpha", "beta"]
    tasks:
      - id: upper
        type: io.kestra.plugin.core.debug.Return
        format: "{{ taskrun.value | upper }}"
      - id: show
        type: io.kestra.plugin.core.log.Log
        message: "{{ taskrun.value }} -> {{ outputs.upper[taskrun.value].value }}"

  - id: after
    type: io.kestra.plugin.core.log.Log
    message: "beta was {{ outputs.upper['beta'].value }}"
`,
    expect: {
      logs: [
        { level: 'INFO', message: 'alpha -> ALPHA' },
        { level: 'INFO', message: 'beta -> BETA' },
        { level: 'INFO', message: 'beta was BETA' },
      ],
    },
  },
  {
    title: 'Iterate over a JSON list from an earlier task, three values at a time',
    flow: `id: for_each_concurrent
namespace: company.team

tasks:
  - id: ids
    type: io.kestra.plugin.core.output.OutputValues
    values:
      list: [1, 2, 3, 4, 5]

  - id: each
    type: io.kestra.plugin.core.flow.ForEach
    values: "{{ outputs.ids.values.list }}"
    concurrencyLimit: 3
    tasks:
      - id: process
        type: io.kestra.plugin.core.log.Log
        message: "processing {{ taskrun.value }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'processing 5' }] },
  },
];

/** Flows that show the EachSequential task. */
export const eachSequentialExamples: readonly PluginExample[] = [
  {
    title: 'Kestra\'s older ForEach, one value at a time',
    flow: `id: each_sequential
namespace: company.team

tasks:
  - id: each
    type: io.kestra.plugin.core.flow.EachSequential
    value: '["value 1", "value 2"]'
    tasks:
      - id: log
        type: io.kestra.plugin.core.log.Log
        message: "{{ taskrun.value }}"
`,
    expect: { logs: [{ level: 'INFO', message: 'value 1' }, { level: 'INFO', message: 'value 2' }] },
  },
];

/** Flows that show the EachParallel task. */
export const eachParallelExamples: readonly PluginExample[] = [
  {
    title: 'Kestra\'s older ForEach, every value at once',
    flow: `id: each_parallel
namespace: company.team

tasks:
  - id: each
    type: io.kestra.plugin.core.flow.EachParallel
    value: ["a", "b", "c"]
    tasks:
      - id: log
        type: io.kestra.plugin.core.log.Log
        message: "value {{ taskrun.value }}"
`,
    expect: { state: 'SUCCESS' },
  },
];
