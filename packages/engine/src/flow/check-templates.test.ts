import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { parseFlow } from './parse.js';

const registry = testRegistry();
const problems = (tasks: string) => {
  const result = parseFlow(`id: templates\nnamespace: company.team\ntasks:\n${tasks}`, registry);
  return result.ok ? [] : result.errors.map(({ code, path, line, column, message }) => ({ code, path, line, column, message }));
};

describe('templates compiled at save', () => {
  it("refuse a function Sluice does not have, such as fileExists(), at the string's place", () => {
    expect(problems(`  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ fileExists('my_file') }}"\n`)).toEqual([
      { code: 'EXPRESSION_SYNTAX', path: 'tasks[0].message', line: 6, column: 14, message: expect.stringContaining("unknown function 'fileExists'") },
    ]);
    // kv() is one it has.
    expect(problems(`  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ kv('my_key', errorOnMissing=false) }}"\n`)).toEqual([]);
  });

  it("refuse read() of a namespace file, which Sluice does not have, and accept read() of the execution's files", () => {
    expect(problems(`  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read('data/orders.csv') | length }}"\n`)).toEqual([
      { code: 'FLOW_UNSUPPORTED', path: 'tasks[0].message', line: 6, column: 14, message: expect.stringContaining("read('data/orders.csv') reads a namespace file") },
    ]);
    expect(problems(`  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ read(outputs.dl.uri) }} {{ errorLogs() | length }} {{ currentEachOutput(outputs.t) }}"\n`)).toEqual([]);
  });

  it('refuse a syntax error inside a list, a nested Dynamic field and a runIf', () => {
    const found = problems(`  - id: log
    type: io.kestra.plugin.core.log.Log
    message: [ok, "{{ 1 + }}"]
  - id: call
    type: dev.sluice.test.Request
    uri: https://example.com
    inputs:
      body: "{{ fileSize('x') }}"
      raw: "{% if %}"
  - id: maybe
    type: io.kestra.plugin.core.log.Log
    message: hi
    runIf: "{{ inputs.x | nofilter }}"
`).map((p) => [p.path, p.line, p.code]);
    expect(found).toEqual([
      ['tasks[0].message[1]', 6, 'EXPRESSION_SYNTAX'],
      ['tasks[1].inputs.body', 11, 'EXPRESSION_SYNTAX'],
      ['tasks[1].inputs.raw', 12, 'EXPRESSION_SYNTAX'],
      ['tasks[2].runIf', 16, 'EXPRESSION_SYNTAX'],
    ]);
  });

  it('accept what compiles, even with variables only a run will have, and leave fields that are not templates alone', () => {
    expect(problems(`  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ outputs.x.body | jq('.a') | first }} {{ render(vars.v) }}"\n`)).toEqual([]);
    expect(problems(`  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ nope }}"\n`)).toEqual([]);
  });
});
