import { describe, expect, it } from 'vitest';
import { isSluiceError } from '@sluice/core';
import type { FlowRevision } from '../flow/flow.types.js';
import { isId } from '../model/ids.js';
import { createExecution, executionToJson, webhookResponseJson } from './index.js';

function makeFlow(overrides: Partial<FlowRevision> = {}): FlowRevision {
  return {
    tenantId: 'main',
    id: 'hello',
    namespace: 'company.team',
    labels: [{ key: 'team', value: 'data' }, { key: 'system.readOnly', value: 'true' }],
    inputs: [],
    variables: { greeting: 'hi' },
    outputs: [],
    tasks: [],
    triggers: [{ id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', disabled: false, labels: [{ key: 'source', value: 'hook' }], props: { key: 'k' } }],
    disabled: false,
    extra: {},
    revision: 3,
    source: 'id: hello',
    updated: '2024-01-01T00:00:00.000Z',
    deleted: false,
    ...overrides,
  };
}

const now = new Date('2024-05-01T12:00:00.000Z');
const trigger = { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: { body: { a: 1 }, headers: {}, parameters: {} } };

describe('createExecution', () => {
  it('creates a CREATED execution with one history entry, flow variables and metadata', () => {
    const execution = createExecution({ flow: makeFlow(), now });
    expect(isId(execution.id)).toBe(true);
    expect(execution).toMatchObject({
      tenantId: 'main',
      namespace: 'company.team',
      flowId: 'hello',
      flowRevision: 3,
      taskRunList: [],
      inputs: {},
      variables: { greeting: 'hi' },
      state: { current: 'CREATED', histories: [{ state: 'CREATED', date: now.toISOString() }] },
      metadata: { attemptNumber: 1, originalCreatedDate: now.toISOString() },
    });
    expect(execution.trigger).toBeUndefined();
  });

  it('gives every execution a new id', () => {
    const flow = makeFlow();
    expect(createExecution({ flow }).id).not.toBe(createExecution({ flow }).id);
  });

  it('labels: flow (no system ones) + trigger + caller, then correlationId and from', () => {
    const execution = createExecution({ flow: makeFlow(), trigger, labels: [{ key: 'team', value: 'ops' }], now });
    expect(execution.labels).toEqual([
      { key: 'team', value: 'ops' },
      { key: 'source', value: 'hook' },
      { key: 'system.correlationId', value: execution.id },
      { key: 'system.from', value: 'trigger' },
    ]);
    expect(execution.trigger).toEqual(trigger);
  });

  it('defaults system.from to api without a trigger, and keeps a correlation id the caller passes', () => {
    const execution = createExecution({ flow: makeFlow({ labels: [] }), labels: [{ key: 'system.correlationId', value: 'abc' }] });
    expect(execution.labels).toEqual([{ key: 'system.correlationId', value: 'abc' }, { key: 'system.from', value: 'api' }]);
    expect(createExecution({ flow: makeFlow(), from: 'schedule' }).labels).toContainEqual({ key: 'system.from', value: 'schedule' });
  });

  it('coerces inputs and applies defaults', () => {
    const flow = makeFlow({
      inputs: [
        { id: 'age', type: 'INT', required: true, extra: {} },
        { id: 'name', type: 'STRING', required: false, defaults: 'World', extra: {} },
      ],
    });
    expect(createExecution({ flow, inputs: { age: '42' } }).inputs).toEqual({ age: 42, name: 'World' });
  });

  it('throws EXECUTION_INPUTS_INVALID listing every error with its path', () => {
    const flow = makeFlow({ inputs: [{ id: 'age', type: 'INT', required: true, extra: {} }] });
    try {
      createExecution({ flow, inputs: { age: 'x', other: 1 } });
      expect.unreachable();
    } catch (error) {
      expect(isSluiceError(error) && error.code).toBe('EXECUTION_INPUTS_INVALID');
      const errors = (isSluiceError(error) ? error.details.errors : []) as { path: string }[];
      expect(errors.map((e) => e.path)).toEqual(['inputs.other', 'inputs.age']);
    }
  });
});

describe('executionToJson', () => {
  it("writes Kestra's shape: computed state dates, no absent fields, a UI url", () => {
    const execution = createExecution({ flow: makeFlow(), trigger, now });
    const json = executionToJson(execution, { baseUrl: 'http://localhost:8080/' });
    expect(json).toMatchObject({
      id: execution.id,
      state: { current: 'CREATED', histories: [{ state: 'CREATED', date: now.toISOString() }], startDate: now.toISOString() },
      trigger: { id: 'hook', type: trigger.type, variables: trigger.variables },
      deleted: false,
      url: `http://localhost:8080/ui/main/executions/company.team/hello/${execution.id}`,
    });
    expect(json).not.toHaveProperty('outputs');
    expect(json.state).not.toHaveProperty('endDate');
    expect(executionToJson(execution)).not.toHaveProperty('url');
  });

  it('gives ended states an endDate and duration, and task runs their outputs', () => {
    const execution = createExecution({ flow: makeFlow(), now });
    const ended = {
      ...execution,
      state: { current: 'SUCCESS' as const, histories: [...execution.state.histories, { state: 'SUCCESS' as const, date: '2024-05-01T12:00:01.500Z' }] },
      taskRunList: [
        {
          tenantId: 'main', id: 't1', executionId: execution.id, namespace: 'company.team', flowId: 'hello', taskId: 'a',
          attempts: [], outputs: {}, state: { current: 'CREATED' as const, histories: [{ state: 'CREATED' as const, date: now.toISOString() }] },
        },
      ],
    };
    const json = executionToJson(ended) as { state: Record<string, unknown>; taskRunList: Record<string, unknown>[] };
    expect(json.state).toMatchObject({ endDate: '2024-05-01T12:00:01.500Z', duration: 'PT1.5S' });
    expect(json.taskRunList[0]).toMatchObject({ id: 't1', outputs: {}, attempts: [] });
    expect(json.taskRunList[0]).not.toHaveProperty('parentTaskRunId');
  });
});

describe('webhookResponseJson', () => {
  it('has exactly the WebhookResponse fields', () => {
    const execution = createExecution({ flow: makeFlow(), trigger, now });
    const json = webhookResponseJson(execution, 'http://host');
    expect(Object.keys(json)).toEqual(['tenantId', 'id', 'namespace', 'flowId', 'flowRevision', 'trigger', 'labels', 'state', 'url']);
    expect(json.trigger).toEqual({ id: 'hook', type: trigger.type, variables: trigger.variables });
    expect(json.state).toEqual({ current: 'CREATED', histories: [{ state: 'CREATED', date: now.toISOString() }], startDate: now.toISOString() });
    expect(json.url).toBe(`http://host/ui/main/executions/company.team/hello/${execution.id}`);
    expect(Object.keys(webhookResponseJson({ ...execution, outputs: { a: 1 } }, 'http://host'))).toContain('outputs');
  });
});
