// @ts-check

/**
 * Flows that show the NewFiles trigger. `inbox.test.mjs` runs them with `runExamples` after
 * putting a file in the folder they watch.
 *
 * @type {readonly import('@sluice/core').PluginExample[]}
 */
export const inboxExamples = [
  {
    title: 'Log each CSV file dropped into a folder',
    flow: `id: inbox_csv
namespace: company.team

tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "new file {{ trigger.name }} ({{ trigger.size }} bytes)"

triggers:
  - id: inbox
    type: com.example.inbox.NewFiles
    folder: /srv/inbox
    suffix: .csv
    interval: PT30S
`,
    expect: { state: 'SUCCESS', logs: [{ level: 'INFO', message: 'new file orders-1.csv (12 bytes)' }], triggerVariables: { name: 'orders-1.csv', size: 12 } },
  },
];
