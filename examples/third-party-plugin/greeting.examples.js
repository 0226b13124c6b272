// @ts-check

/**
 * Flows that show the Greet task. The reference page of the plugin shows them, and
 * `greeting.test.js` runs every one through the engine with `runExamples`.
 *
 * @type {readonly import('@sluice/core').PluginExample[]}
 */
export const greetExamples = [
  {
    title: 'Greet someone, then log the greeting from the outputs',
    flow: `id: hello_greeting
namespace: company.team

inputs:
  - id: name
    type: STRING
    defaults: World

tasks:
  - id: greet
    type: com.example.greeting.Greet
    name: "{{ inputs.name }}"

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.greet.greeting }}"
`,
    expect: { state: 'SUCCESS', logs: [{ level: 'INFO', message: 'Hello, World!' }] },
  },
  {
    title: 'Choose the punctuation and use the length output',
    flow: `id: question_greeting
namespace: company.team

tasks:
  - id: greet
    type: com.example.greeting.Greet
    name: "{{ flow.namespace | upper }}"
    punctuation: "?"

  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.greet.greeting }} ({{ outputs.greet.length }} characters)"
`,
    expect: { logs: [{ level: 'INFO', message: 'Hello, COMPANY.TEAM? (20 characters)' }] },
  },
];
