import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { parseFlow, parseFlows } from './parse.js';
import type { FlowProblem, ParseResult } from './problems.js';

const flows = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/flows');
const fixture = (name: string) => readFileSync(resolve(flows, name), 'utf8');
const registry = testRegistry();

function flowOf(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a flow, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.flow;
}
function errorsOf(result: ParseResult): readonly FlowProblem[] {
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('parseFlow', () => {
  it('parses the seed flow: one task, one trigger, their props apart from the envelope', () => {
    const flow = flowOf(parseFlow(fixture('seed-flow.yaml'), registry));
    expect(flow).toMatchObject({ tenantId: 'main', id: 'trigger', namespace: 'company.team', disabled: false, labels: [], inputs: [], outputs: [], variables: {}, extra: {} });
    expect(flow.tasks).toEqual([
      { id: 'hello', type: 'io.kestra.plugin.core.log.Log', disabled: false, allowFailure: false, allowWarning: false, props: { message: 'Hello World! 🚀' } },
    ]);
    expect(flow.triggers).toEqual([
      { id: 'webhook', type: 'io.kestra.plugin.core.trigger.Webhook', disabled: false, labels: [], props: { key: '4wjtkzwVGBM9yKnjm3yv8r' } },
    ]);
  });

  it('takes the tenant from the options', () => {
    expect(flowOf(parseFlow(fixture('seed-flow.yaml'), registry, { tenantId: 'acme' })).tenantId).toBe('acme');
  });

  it('reports five mistakes as five errors, each at its place', () => {
    expect(errorsOf(parseFlow(fixture('five-mistakes.yaml'), registry))).toEqual([
      { code: 'FLOW_SCHEMA', path: 'namespace', message: 'must match ^[a-z0-9][a-z0-9._-]*$', line: 2, column: 12 },
      { code: 'FLOW_DUPLICATE_ID', path: 'tasks[1].id', message: 'Duplicate task id with name [hello]', line: 8, column: 9 },
      {
        code: 'PLUGIN_UNKNOWN_TYPE',
        path: 'tasks[2].type',
        message: "unknown type 'io.kestra.plugin.core.log.Logg'; did you mean io.kestra.plugin.core.log.Log?",
        line: 12,
        column: 11,
      },
      { code: 'FLOW_INVALID_PROPS', path: 'tasks[3].message', message: "missing required property 'message'", line: 14, column: 5 },
      { code: 'FLOW_INVALID_PROPS', path: 'tasks[4].colour', message: "unknown property 'colour'", line: 20, column: 5 },
    ]);
  });

  it('reads every envelope field, resolves aliases to the canonical type, keeps extra keys', () => {
    const flow = flowOf(parseFlow(fixture('everything.yaml'), registry));
    expect(flow.labels).toEqual([{ key: 'env', value: 'prod' }, { key: 'count', value: '3' }]);
    expect(flow.inputs).toEqual([
      { id: 'name', type: 'STRING', required: true, defaults: 'World', extra: {} },
      { id: 'level', type: 'ENUM', required: false, extra: { values: ['INFO', 'WARN'], dependsOn: { inputs: ['name'] } } },
    ]);
    expect(flow.variables).toEqual({ greeting: 'Hello' });
    expect(flow.outputs).toEqual([{ id: 'said', type: 'STRING', value: '{{ outputs.hello.value }}' }]);
    const [hello, quiet] = flow.tasks;
    expect(hello).toEqual({
      id: 'hello',
      type: 'io.kestra.plugin.core.log.Log',
      description: 'Says hello.',
      disabled: false,
      allowFailure: true,
      allowWarning: false,
      timeout: 'PT30S',
      logLevel: 'DEBUG',
      runIf: "{{ inputs.name != 'nobody' }}",
      props: { message: '{{ vars.greeting }} {{ inputs.name }}', level: '{{ inputs.level }}' },
    });
    expect(quiet).toMatchObject({ disabled: true, runIf: 'true', props: { message: ['one', 'two'] } });
    expect(flow.extra).toEqual({
      errors: [{ id: 'on-error', type: 'io.kestra.plugin.core.log.Log', message: 'failed' }],
    });
    expect(flow.triggers[0]).toEqual({
      id: 'webhook',
      type: 'io.kestra.plugin.core.trigger.Webhook',
      disabled: false,
      labels: [{ key: 'source', value: 'webhook' }],
      logLevel: 'WARN',
      stopAfter: ['FAILED'],
      props: { key: "{{ secret('WEBHOOK_KEY') }}" },
    });
  });

  it('accepts templates in Dynamic fields at save time but not a wrong plain value', () => {
    const flow = (message: string, level = 'INFO') =>
      `id: f\nnamespace: n\ntasks:\n  - id: t\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n    level: ${level}\n`;
    expect(parseFlow(flow('"{{ trigger.body.name }}"', '"{{ inputs.level }}"'), registry).ok).toBe(true);
    expect(errorsOf(parseFlow(flow('42', 'LOUD'), registry))).toEqual([
      {
        code: 'FLOW_INVALID_PROPS',
        path: 'tasks[0].message',
        message: 'must be a string or a list of strings, or a {{ }} template, got number 42',
        line: 6,
        column: 14,
      },
      {
        code: 'FLOW_INVALID_PROPS',
        path: 'tasks[0].level',
        message: 'must be one of TRACE, DEBUG, INFO, WARN, ERROR, or a {{ }} template, got the string "LOUD"',
        line: 7,
        column: 12,
      },
    ]);
  });

  it('refuses a source with several documents, and an empty one', () => {
    const seed = fixture('seed-flow.yaml');
    expect(errorsOf(parseFlow(`${seed}---\n${seed}`, registry))).toEqual([
      { code: 'FLOW_SCHEMA', path: '', message: 'expected one flow, found 2 YAML documents', line: 13, column: 1 },
    ]);
    expect(errorsOf(parseFlow('# nothing\n', registry))[0]).toMatchObject({ code: 'FLOW_SCHEMA', message: 'the source holds no flow' });
  });
});

describe('parseFlows', () => {
  it('parses each document of a multi-document source on its own, positions in the whole source', () => {
    const seed = fixture('seed-flow.yaml');
    const results = parseFlows(`${seed}---\nid: second\nnamespace: Bad\ntasks: []\n---\n`, registry);
    expect(results).toHaveLength(2);
    expect(results[0]?.ok).toBe(true);
    expect(errorsOf(results[1] as ParseResult)).toEqual([
      { code: 'FLOW_SCHEMA', path: 'namespace', message: 'must match ^[a-z0-9][a-z0-9._-]*$', line: 15, column: 12 },
      { code: 'FLOW_SCHEMA', path: 'tasks', message: 'must not be empty', line: 16, column: 8 },
    ]);
  });
});
