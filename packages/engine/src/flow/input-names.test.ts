import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { parseFlow } from './parse.js';

const registry = testRegistry();
const flow = (inputs: string) => `id: named
namespace: company.team
inputs:
${inputs}tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ inputs.user }}"
`;

describe('inputs declared with name:', () => {
  it('are read as id, as Kestra does, with a deprecation warning at the key', () => {
    const result = parseFlow(flow('  - name: user\n    type: STRING\n    defaults: Ada\n'), registry);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.flow.inputs).toEqual([{ id: 'user', type: 'STRING', required: true, defaults: 'Ada', extra: {} }]);
    expect(result.warnings).toEqual([
      { code: 'FLOW_DEPRECATED', path: 'inputs[0].name', message: "'name' is deprecated, use 'id'; it is read as 'id' for now", line: 4, column: 5 },
    ]);
  });

  it('leave no warning on a flow that uses id', () => {
    const result = parseFlow(flow('  - id: user\n    type: STRING\n'), registry);
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('are checked like any input, and refused when id and name differ', () => {
    const bad = parseFlow(flow('  - name: "bad name"\n    type: STRING\n  - id: user\n    name: other\n    type: STRING\n'), registry);
    expect(bad.ok ? [] : bad.errors.map((e) => [e.path, e.line, e.column])).toEqual([
      ["inputs[0].id", 4, 11],
      ["inputs[1].name", 7, 5],
    ]);
  });
});
