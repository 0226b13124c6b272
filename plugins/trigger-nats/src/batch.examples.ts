import type { PluginExample } from '@sluice/core';
import type { NatsExampleCase } from './example-case.js';

/**
 * Flows that show the batch trigger, with the messages their test publishes before one poll.
 * `batch.examples.test.ts` checks each flow's props as the host does at save, polls once on
 * the local NATS server (in a stream of its own) and compares `trigger.*`.
 */
export const natsBatchCases: readonly NatsExampleCase[] = [
  {
    example: {
      title: 'Every minute, start a flow with the messages stored meanwhile',
      flow: `id: nats_batch
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.messagesCount }} messages, first: {{ trigger.messages[0].data }}"

triggers:
  - id: batch
    type: io.kestra.plugin.nats.Trigger
    url: nats://127.0.0.1:4222
    subject: kestra.batch
    interval: PT1M
    maxRecords: 100
    pollDuration: PT1S
`,
      expect: {
        triggerVariables: { messagesCount: 2, messages: [{ subject: 'kestra.batch', data: 'one' }, { subject: 'kestra.batch', data: 'two' }] },
        logs: [{ level: 'INFO', message: '2 messages, first: one' }],
      },
    },
    publish: [
      { subject: 'kestra.batch', data: 'one' },
      { subject: 'kestra.batch', data: 'two' },
    ],
  },
];

/** The batch trigger's examples, as the plugin reference shows them. */
export const natsBatchExamples: readonly PluginExample[] = natsBatchCases.map((c) => c.example);
