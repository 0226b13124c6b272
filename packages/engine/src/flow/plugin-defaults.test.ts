import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { deepMerge } from './deep-merge.js';
import { parseFlow } from './parse.js';
import type { ParseResult } from './problems.js';

const registry = testRegistry();
const parse = (yaml: string) => parseFlow(yaml, registry);
function flowOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a flow, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.flow;
}
const problemsOf = (result: ParseResult) => (result.ok ? [] : result.errors.map(({ code, path, message, line, column }) => ({ code, path, message, line, column })));

describe('pluginDefaults', () => {
  it('gives a required property only a default sets, so the flow passes and the task gets it', () => {
    const flow = flowOf(
      parse(`id: defaults
namespace: company.team
tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      message: from the default
      level: WARN
`),
    );
    expect(flow.tasks[0]?.props).toEqual({ message: 'from the default', level: 'WARN' });
    expect(flow.extra.pluginDefaults).toBeDefined();
  });

  it('lets the task win over a default, and a forced default win over the task', () => {
    const flow = flowOf(
      parse(`id: defaults
namespace: company.team
tasks:
  - id: own
    type: io.kestra.plugin.core.log.Log
    message: own message
    level: DEBUG
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      message: default message
  - type: io.kestra.plugin.core.log.Log
    forced: true
    values:
      level: ERROR
`),
    );
    expect(flow.tasks[0]?.props).toEqual({ message: 'own message', level: 'ERROR' });
  });

  it('matches by type prefix, setting only the properties each plugin has, envelope fields included', () => {
    const flow = flowOf(
      parse(`id: defaults
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
  - id: call
    type: dev.sluice.test.Request
    uri: https://example.com
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
pluginDefaults:
  - type: io.kestra.plugin.core
    values:
      level: INFO
      key: from-defaults
  - type: dev.sluice
    values:
      retries: 5
      timeout: PT1M
`),
    );
    expect(flow.tasks[0]?.props).toEqual({ message: 'hi', level: 'INFO' });
    expect(flow.tasks[1]).toMatchObject({ timeout: 'PT1M', props: { uri: 'https://example.com', retries: 5 } });
    expect(flow.triggers[0]?.props).toEqual({ key: 'from-defaults' });
  });

  it('applies to tasks written with an alias, to tasks nested in other lists, and through taskDefaults', () => {
    const flow = flowOf(
      parse(`id: defaults
namespace: company.team
tasks:
  - id: old
    type: io.kestra.core.tasks.log.Log
errors:
  - id: on_error
    type: io.kestra.plugin.core.log.Log
taskDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      message: old name
`),
    );
    expect(flow.tasks[0]?.props).toEqual({ message: 'old name' });
    expect(flow.extra.errors).toEqual([{ id: 'on_error', type: 'io.kestra.plugin.core.log.Log', message: 'old name' }]);
  });

  it('points a problem with a value a default set at the default, keeping the task path', () => {
    const problems = problemsOf(
      parse(`id: defaults
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    values:
      message: hi
      level: LOUD
`),
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: 'FLOW_INVALID_PROPS', path: 'tasks[0].level', line: 10, column: 14 }),
    ]);
    expect(problems[0]?.message).toContain('(set by pluginDefaults[0].values.level)');
  });

  it('refuses a default no loaded type matches, a property no covered plugin has, and id or type, each at its line', () => {
    expect(
      problemsOf(
        parse(`id: defaults
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
pluginDefaults:
  - type: io.kestra.plugin.scripts.python
    values:
      containerImage: python:3.12
  - type: io.kestra.plugin.core.log.Log
    values:
      mesage: typo
  - type: io.kestra.plugin.core
    values:
      id: nope
      nothing: here
`),
      ),
    ).toEqual([
      { code: 'PLUGIN_UNKNOWN_TYPE', path: 'pluginDefaults[0].type', message: expect.stringContaining("no loaded task or trigger type is or starts with 'io.kestra.plugin.scripts.python'"), line: 8, column: 11 },
      { code: 'FLOW_INVALID_PROPS', path: 'pluginDefaults[1].values.mesage', message: "'io.kestra.plugin.core.log.Log' has no property 'mesage'", line: 13, column: 7 },
      { code: 'FLOW_SCHEMA', path: 'pluginDefaults[2].values.id', message: "a plugin default cannot set 'id'", line: 16, column: 7 },
      { code: 'FLOW_INVALID_PROPS', path: 'pluginDefaults[2].values.nothing', message: "no type under 'io.kestra.plugin.core' has a property 'nothing'", line: 17, column: 7 },
    ]);
  });

  it('refuses a malformed default with its place', () => {
    expect(
      problemsOf(
        parse(`id: defaults
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hi
pluginDefaults:
  - type: io.kestra.plugin.core.log.Log
    forced: maybe
    value: {}
`),
      ).map((p) => [p.path, p.line]),
    ).toEqual([
      ['pluginDefaults[0].values', 8],
      ['pluginDefaults[0].forced', 9],
      ['pluginDefaults[0].value', 10],
    ]);
  });
});

describe('deepMerge (Kestra MapUtils.deepMerge)', () => {
  it('lets b win, keeps a where b is null, merges mappings and joins lists without repeats', () => {
    expect(deepMerge({ a: 1, n: 2, m: { x: 1, y: 1 }, l: [1, 2] }, { a: 3, n: null, m: { y: 2 }, l: [2, 3] })).toEqual({ a: 3, n: 2, m: { x: 1, y: 2 }, l: [1, 2, 3] });
  });

  it('copies a __proto__ key as data, never as a prototype', () => {
    const merged = deepMerge({}, JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
