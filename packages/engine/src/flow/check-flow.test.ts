import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/fixtures/test-plugins.js';
import { createRegistry } from '../plugins/registry.js';
import { parseFlow } from './parse.js';
import { isReadOnly } from './labels.js';
import type { FlowProblem, ParseResult } from './problems.js';

const registry = testRegistry();
const LOG = 'io.kestra.plugin.core.log.Log';
const errorsOf = (result: ParseResult): readonly FlowProblem[] => {
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};
const check = (source: string) => errorsOf(parseFlow(source, registry)).map(({ code, path, message, line, column }) => `${line}:${column} ${code} ${path}: ${message}`);
const head = 'id: f\nnamespace: company.team\n';
const log = (id: string, more = '') => `  - id: ${id}\n    type: ${LOG}\n    message: hi\n${more}`;

describe('the flow envelope', () => {
  it('checks id, namespace, unknown top-level keys and required keys', () => {
    expect(check(`id: -bad\nnamespace: ${'a'.repeat(151)}\ntask: []\n`)).toEqual([
      '1:1 FLOW_SCHEMA tasks: missing required property \'tasks\'',
      '1:5 FLOW_SCHEMA id: must match ^[a-zA-Z0-9][a-zA-Z0-9._-]*$',
      '2:12 FLOW_SCHEMA namespace: must be at most 150 characters long',
      "3:1 FLOW_SCHEMA task: unknown property 'task'",
    ]);
  });

  it('treats an empty optional key as absent, and checks the type of the others', () => {
    expect(parseFlow(`${head}description:\ntriggers:\ntasks:\n${log('a')}`, registry).ok).toBe(true);
    expect(check(`${head}disabled: maybe\nvariables: [1]\ntasks:\n${log('a')}`)).toEqual([
      '3:11 FLOW_SCHEMA disabled: must be true or false, got the string "maybe"',
      '4:12 FLOW_SCHEMA variables: must be a mapping, got a list',
    ]);
  });

  it('accepts concurrency with a limit and a behavior, QUEUE by default', () => {
    const queued = parseFlow(`${head}concurrency:\n  limit: 2\ntasks:\n${log('a')}`, registry);
    expect(queued.ok && queued.flow.concurrency).toEqual({ limit: 2, behavior: 'QUEUE' });
    const failing = parseFlow(`${head}concurrency:\n  limit: 1\n  behavior: FAIL\ntasks:\n${log('a')}`, registry);
    expect(failing.ok && failing.flow.concurrency).toEqual({ limit: 1, behavior: 'FAIL' });
    const none = parseFlow(`${head}tasks:\n${log('a')}`, registry);
    expect(none.ok && none.flow.concurrency).toBeUndefined();
  });

  it('refuses a concurrency without a positive integer limit, with another behavior or an unknown key, at the offending node', () => {
    expect(check(`${head}concurrency:\n  limit: 0\n  behaviour: QUEUE\ntasks:\n${log('a')}`)).toEqual([
      '4:10 FLOW_SCHEMA concurrency.limit: must be greater than or equal to 1',
      "5:3 FLOW_SCHEMA concurrency.behaviour: unknown property 'behaviour'",
    ]);
    expect(check(`${head}concurrency:\n  maximum: 1\n  behavior: SKIP\ntasks:\n${log('a')}`)).toEqual([
      "4:3 FLOW_SCHEMA concurrency.limit: missing required property 'limit'",
      "4:3 FLOW_SCHEMA concurrency.maximum: unknown property 'maximum'",
      '5:13 FLOW_SCHEMA concurrency.behavior: must be one of QUEUE, CANCEL, FAIL, got the string "SKIP"',
    ]);
    expect(check(`${head}concurrency:\n  limit: 1.5\ntasks:\n${log('a')}`)).toEqual(['4:10 FLOW_SCHEMA concurrency.limit: must be an integer, got number 1.5']);
    expect(check(`${head}concurrency: 3\ntasks:\n${log('a')}`)).toEqual(['3:14 FLOW_SCHEMA concurrency: must be a mapping, got number 3']);
  });
});

describe('labels', () => {
  it('accepts a list or a mapping and refuses system labels', () => {
    expect(check(`${head}labels:\n  system.correlationId: x\n  team: ""\ntasks:\n${log('a')}`)).toEqual([
      '4:3 FLOW_SCHEMA labels["system.correlationId"]: System labels can only be set by Kestra itself, offending label: system.correlationId=x',
      '5:9 FLOW_SCHEMA labels.team: must be a string or a number or true or false, got the string ""',
    ]);
    expect(check(`${head}labels:\n  - key: system.from\n    value: api\n  - key: team\ntasks:\n${log('a')}`)).toEqual([
      '4:10 FLOW_SCHEMA labels[0].key: System labels can only be set by Kestra itself, offending label: system.from=api',
      "6:5 FLOW_SCHEMA labels[1].value: missing required property 'value'",
    ]);
    expect(check(`${head}labels: prod\ntasks:\n${log('a')}`)).toEqual(['3:9 FLOW_SCHEMA labels: must be a list of { key, value } or a mapping']);
  });

  it('accepts system.readOnly on a flow, true or false, and nowhere else', () => {
    const ok = parseFlow(`${head}labels:\n  system.readOnly: true\ntasks:\n${log('a')}`, registry);
    expect(ok.ok && ok.flow.labels).toEqual([{ key: 'system.readOnly', value: 'true' }]);
    expect(parseFlow(`${head}labels:\n  - key: system.readOnly\n    value: "false"\ntasks:\n${log('a')}`, registry).ok).toBe(true);
    expect(check(`${head}labels:\n  system.readOnly: yes please\ntasks:\n${log('a')}`)).toEqual(['4:3 FLOW_SCHEMA labels["system.readOnly"]: system.readOnly must be true or false']);
    const hook = `  - id: w\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: k\n    labels: { system.readOnly: true }\n`;
    expect(check(`${head}tasks:\n${log('a')}triggers:\n${hook}`)).toEqual([
      expect.stringContaining('System labels can only be set by Kestra itself, offending label: system.readOnly=true'),
    ]);
  });

  it('marks a flow read-only only when system.readOnly is true', () => {
    expect(isReadOnly([{ key: 'system.readOnly', value: 'true' }])).toBe(true);
    expect(isReadOnly([{ key: 'system.readOnly', value: 'TRUE' }])).toBe(true);
    expect(isReadOnly([{ key: 'system.readOnly', value: 'false' }, { key: 'team', value: 'true' }])).toBe(false);
  });
});

describe('inputs and outputs', () => {
  it('checks ids, types and uniqueness with Kestra\'s messages', () => {
    const source = `${head}inputs:\n  - id: a\n    type: STRING\n  - id: a\n    type: TEXT\n  - name\noutputs:\n  - id: o\n    type: STRING\ntasks:\n${log('t')}`;
    expect(check(source)).toEqual([
      '6:9 FLOW_DUPLICATE_ID inputs[1].id: Duplicate input with name [a]',
      '7:11 FLOW_SCHEMA inputs[1].type: must be one of STRING, ENUM, SELECT, INT, FLOAT, BOOLEAN, BOOL, DATETIME, DATE, TIME, DURATION, FILE, JSON, URI, SECRET, ARRAY, MULTISELECT, YAML, EMAIL, ION, OBJECT, TABLE, FORM, got the string "TEXT"',
      '8:5 FLOW_SCHEMA inputs[2]: an input must be a mapping with at least id and type',
      "10:5 FLOW_SCHEMA outputs[0].value: missing required property 'value'",
    ]);
  });
});

describe('tasks', () => {
  it('checks the task envelope beside the props', () => {
    const source = `${head}tasks:\n  - id: a b\n    type: ${LOG}\n    message: hi\n    timeout: 30 seconds\n    retry:\n      type: linear\n    runIf: "{{ true }}"\n    when: "{{ true }}"\n  - just a string\n`;
    expect(check(source)).toEqual([
      '4:9 FLOW_SCHEMA tasks[0].id: must match ^[a-zA-Z0-9][a-zA-Z0-9_-]*$',
      '7:14 FLOW_SCHEMA tasks[0].timeout: must be an ISO-8601 duration such as PT30S or a {{ }} template, got the string "30 seconds"',
      '9:13 FLOW_SCHEMA tasks[0].retry.type: must be one of constant, exponential, random, got the string "linear"',
      "11:5 FLOW_SCHEMA tasks[0].when: 'runIf' and 'when' are two names of one field; keep one",
      '12:5 FLOW_SCHEMA tasks[1]: a task must be a mapping with at least id and type',
    ]);
  });

  it('accepts retry at the task and the flow, in either spelling, and refuses what a type does not take or Sluice does not run', () => {
    const valid = `${head}tasks:\n${log('a', '    retry:\n      type: constant\n      interval: pt0.25s\n      maxAttempts: 3\n')}retry:\n  type: random\n  maxAttempt: 5\n  minInterval: PT1S\n  maxInterval: PT2S\n`;
    expect(parseFlow(valid, registry).ok).toBe(true);
    const retry = (body: string) => `${head}tasks:\n${log('a', `    retry:\n${body.split('\n').map((line) => `      ${line}`).join('\n')}\n`)}`;
    expect(check(retry('type: exponential\ninterval: PT1S\ndelayFactor: 2'))).toEqual([
      "7:5 FLOW_SCHEMA tasks[0].retry: an exponential retry requires 'maxInterval'",
    ]);
    expect(check(retry('type: constant\ninterval: PT1S\nminInterval: PT1S\nmaxAttempt: 2\nmaxAttempts: 2'))).toEqual([
      "10:7 FLOW_SCHEMA tasks[0].retry.minInterval: 'minInterval' is not a field of a constant retry",
      "12:7 FLOW_SCHEMA tasks[0].retry.maxAttempts: 'maxAttempt' and 'maxAttempts' are two names of one field; keep one",
    ]);
    expect(check(retry('type: constant\ninterval: "{{ inputs.wait }}"\nbehavior: CREATE_NEW_EXECUTION'))).toEqual([
      '9:17 FLOW_SCHEMA tasks[0].retry.interval: must be an ISO-8601 duration such as PT30S, got the string "{{ inputs.wait }}"',
      '10:17 FLOW_UNSUPPORTED tasks[0].retry.behavior: behavior CREATE_NEW_EXECUTION is not supported: Sluice retries the failed task within its execution (RETRY_FAILED_TASK, the default); remove behavior or set it to RETRY_FAILED_TASK',
    ]);
    expect(check(retry('type: random\nminInterval: PT2S\nmaxInterval: PT1S'))).toEqual([
      '9:20 FLOW_SCHEMA tasks[0].retry.minInterval: minInterval must not be longer than maxInterval',
    ]);
  });

  it('refuses the flow keys Sluice does not act on when they ask for something, and passes them written empty', () => {
    const source = `${head}listeners:\n  - tasks:\n      - id: l\n        type: ${LOG}\n        message: hi\nsla:\n  - id: late\n    type: MAX_DURATION\n    duration: PT1H\nchecks:\n  - condition: "{{ true }}"\n    message: ok\nworkerSelector:\n  tags: [gpu]\ndraft: true\ntasks:\n${log('a')}`;
    expect(check(source).map((line) => line.split(':').slice(0, 2).join(':'))).toEqual([
      '3:1 FLOW_UNSUPPORTED listeners',
      '8:1 FLOW_UNSUPPORTED sla',
      '12:1 FLOW_UNSUPPORTED checks',
      '15:1 FLOW_UNSUPPORTED workerSelector',
      '17:1 FLOW_UNSUPPORTED draft',
    ]);
    expect(check(source)[0]).toContain('run the tasks in errors or finally, or start another flow with a Flow trigger');
    expect(parseFlow(`${head}listeners: []\nsla: []\nchecks: []\ndraft: false\ntasks:\n${log('a')}`, registry).ok).toBe(true);
  });

  it('finds duplicate ids across tasks, errors, finally and nested tasks', () => {
    const source = `${head}tasks:\n${log('a')}errors:\n${log('a')}finally:\n${log('b')}afterExecution:\n${log('b')}`;
    expect(check(source)).toEqual([
      '8:9 FLOW_DUPLICATE_ID errors[0].id: Duplicate task id with name [a]',
      '15:1 FLOW_UNSUPPORTED afterExecution: afterExecution is not supported yet; run the tasks in finally, which runs before the execution ends',
      '16:9 FLOW_DUPLICATE_ID afterExecution[0].id: Duplicate task id with name [b]',
    ]);
    // A flowable-like task nesting tasks in a prop: its ids count too (the prop itself is unknown to Log).
    const flowable = `${head}tasks:\n${log('a', `    then:\n      - id: a\n        type: ${LOG}\n`)}`;
    expect(check(flowable).filter((line) => line.includes('DUPLICATE'))).toEqual(['8:13 FLOW_DUPLICATE_ID tasks[0].then[0].id: Duplicate task id with name [a]']);
  });

  it('reports a task without id or type at the task, and checks nothing else of an untyped task', () => {
    expect(check(`${head}tasks:\n  - message: hi\n  - id: b\n    type: ""\n    anything: goes\n`)).toEqual([
      "4:5 FLOW_SCHEMA tasks[0].id: missing required property 'id'",
      "4:5 FLOW_SCHEMA tasks[0].type: missing required property 'type'",
      '6:11 FLOW_SCHEMA tasks[1].type: must not be empty',
    ]);
  });

  it('says when a trigger type is used as a task, and what is loaded when nothing is close', () => {
    expect(check(`${head}tasks:\n  - id: a\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: k\n`)).toEqual([
      "5:11 FLOW_WRONG_KIND tasks[0].type: 'io.kestra.plugin.core.trigger.Webhook' is a trigger type; it belongs under triggers",
    ]);
    expect(check(`${head}tasks:\n  - id: a\n    type: com.example.SendEmail\n`)).toEqual([
      "5:11 PLUGIN_UNKNOWN_TYPE tasks[0].type: unknown type 'com.example.SendEmail'; no loaded task has this type (loaded packages: @sluice/test-plugins)",
    ]);
    expect(errorsOf(parseFlow(`${head}tasks:\n${log('a')}`, createRegistry([])))[0]?.message).toBe(
      `unknown type '${LOG}'; no plugin packages are loaded`,
    );
  });
});

describe('triggers', () => {
  it('checks the envelope, labels, props and unique ids', () => {
    const hook = (id: string, more = '') => `  - id: ${id}\n    type: io.kestra.plugin.core.trigger.Webhook\n${more}`;
    const source = `${head}tasks:\n${log('a')}triggers:\n${hook('w', '    key: k\n    logLevel: INFO\n    minLogLevel: WARN\n')}${hook('w', '    key: k\n    labels: { system.x: y }\n    stopAfter: [DONE]\n')}${hook('x', '    key: 12\n    wait: "{{ yes }}"\n')}`;
    expect(check(`${head}tasks:\n${log('a')}triggers:\n  - id: w\n    type: io.kestra.plugin.core.trigger.Webhok\n`)).toEqual([
      "9:11 PLUGIN_UNKNOWN_TYPE triggers[0].type: unknown type 'io.kestra.plugin.core.trigger.Webhok'; did you mean io.kestra.plugin.core.trigger.Webhook?",
    ]);
    expect(check(source)).toEqual([
      "12:5 FLOW_SCHEMA triggers[0].minLogLevel: 'logLevel' and 'minLogLevel' are two names of one field; keep one",
      '13:9 FLOW_DUPLICATE_ID triggers[1].id: Duplicate trigger id with name [w]',
      '16:15 FLOW_SCHEMA triggers[1].labels["system.x"]: System labels can only be set by Kestra itself, offending label: system.x=y',
      '17:17 FLOW_SCHEMA triggers[1].stopAfter[0]: must be one of CREATED, SUBMITTED, RUNNING, PAUSED, RESTARTED, KILLING, SUCCESS, WARNING, FAILED, KILLED, CANCELLED, QUEUED, RETRYING, RETRIED, SKIPPED, BREAKPOINT, RESUBMITTED, got the string "DONE"',
      '20:10 FLOW_INVALID_PROPS triggers[2].key: must be a string or a {{ }} template, got number 12',
      '21:11 FLOW_INVALID_PROPS triggers[2].wait: must be true or false, got the string "{{ yes }}"',
    ]);
  });
});

describe('a trigger plugin’s own check', () => {
  it('reports what the plugin finds at its YAML line, once the schema passed', async () => {
    const { defineTrigger, definePluginPackage, Type } = await import('@sluice/core');
    const polled = defineTrigger({
      mode: 'webhook',
      type: 'dev.sluice.test.Query',
      title: 'Query',
      description: 'Starts on a request, if its query is a SELECT.',
      props: Type.Object({ sql: Type.String({ description: 'The query.' }) }, { additionalProperties: false }),
      variables: Type.Object({}),
      examples: [{ title: 'Query', flow: 'id: x' }],
      receive: () => ({ kind: 'not-matched' }),
      check: (props) => (props.sql.startsWith('SELECT') ? [] : [{ path: ['sql'], message: 'must start with SELECT' }]),
    });
    const withQuery = createRegistry([{ pkg: definePluginPackage({ triggers: [polled] }), info: { name: 'q', version: '0.0.0', path: '/dev/null', types: [polled.type] } }]);
    const flow = (sql: unknown) => `${head}tasks:\n  - id: a\n    type: dev.sluice.test.Query\ntriggers:\n  - id: q\n    type: dev.sluice.test.Query\n    sql: ${JSON.stringify(sql)}\n`;
    const problems = (sql: unknown) => errorsOf(parseFlow(flow(sql), withQuery)).filter((p) => p.path.startsWith('triggers')).map((p) => `${p.line}:${p.column} ${p.code} ${p.path}: ${p.message}`);
    expect(problems('DELETE FROM t')).toEqual(['9:10 FLOW_INVALID_PROPS triggers[0].sql: must start with SELECT']);
    // A value the schema refuses is reported by the schema alone: the check never sees it.
    expect(problems(12)).toEqual([expect.stringMatching(/^9:10 FLOW_INVALID_PROPS triggers\[0\]\.sql: must be a string/)]);
    expect(problems('SELECT 1')).toEqual([]);
  });
});
