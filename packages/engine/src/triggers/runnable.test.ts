import { describe, expect, it } from 'vitest';
import { Type, definePluginPackage, defineTask, defineTrigger } from '@sluice/core';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import { isId } from '../model/ids.js';
import { createRegistry } from '../plugins/index.js';
import { parseFlow } from '../flow/index.js';
import { mapSecrets } from '../secrets/index.js';
import { silentLogger } from '../webhook/loggers.js';
import { backoffMs, executionOfStart, pollDelayMs, prepareTrigger, runnableTriggersOf, triggerExecutionId } from './runnable.js';

const base = {
  title: 'Test', description: 'A test trigger.', examples: [{ title: 'x', flow: 'id: x' }],
  props: Type.Object({ every: Type.Integer({ minimum: 1, description: 'Ms between polls.' }) }, { additionalProperties: false }),
  variables: Type.Object({ n: Type.Number({ description: 'The event.' }) }),
};
const poll = defineTrigger({ ...base, mode: 'poll', type: 'dev.test.Poll', interval: (p) => p.every, poll: async () => ({ starts: [], cursor: 0 }) });
const listen = defineTrigger({ ...base, mode: 'listen', type: 'dev.test.Listen', listen: async () => async () => {} });
const hook = defineTrigger({ ...base, mode: 'webhook', type: 'dev.test.Hook', receive: () => ({ kind: 'not-matched' }) });
const noop = defineTask({
  type: 'dev.test.Noop', title: 'Noop', description: 'Does nothing.', examples: [{ title: 'x', flow: 'id: x' }],
  props: Type.Object({}, { additionalProperties: false }), output: Type.Object({}), run: () => ({}),
});
const registry = createRegistry([{ pkg: definePluginPackage({ tasks: [noop], triggers: [poll, listen, hook] }), info: { name: 't', version: '0', path: '/dev/null', types: [] } }]);

const trigger = (id: string, type: string, more: Partial<FlowTrigger> = {}): FlowTrigger => ({ id, type, disabled: false, labels: [{ key: 'from', value: 'trigger' }], props: { every: 1000 }, ...more });
const makeFlow = (overrides: Partial<FlowRevision> = {}): FlowRevision => ({
  tenantId: 'main', id: 'orders', namespace: 'company.team', labels: [], inputs: [], variables: {}, outputs: [], tasks: [],
  triggers: [trigger('p', poll.type), trigger('l', listen.type), trigger('w', hook.type)], disabled: false, extra: {},
  revision: 2, source: '', updated: '2024-01-01T00:00:00.000Z', deleted: false, ...overrides,
});
const key = { tenantId: 'main', namespace: 'company.team', flowId: 'orders', triggerId: 'p' };

describe('runnableTriggersOf', () => {
  it('lists the enabled poll and listen triggers of a live, enabled flow, with a version of their props', () => {
    const runnable = runnableTriggersOf(makeFlow(), registry);
    expect(runnable.map((r) => [r.key.triggerId, r.mode, r.revision])).toEqual([['p', 'poll', 2], ['l', 'listen', 2]]);
    const again = runnableTriggersOf(makeFlow({ revision: 3, tasks: [] }), registry);
    expect(again[0]?.version).toBe(runnable[0]?.version);
    const changed = runnableTriggersOf(makeFlow({ triggers: [trigger('p', poll.type, { props: { every: 5 } })] }), registry);
    expect(changed[0]?.version).not.toBe(runnable[0]?.version);
  });

  it('lists none for a disabled or deleted flow, nor a trigger disabled in its YAML', () => {
    expect(runnableTriggersOf(makeFlow({ disabled: true }), registry)).toEqual([]);
    expect(runnableTriggersOf(makeFlow({ deleted: true }), registry)).toEqual([]);
    expect(runnableTriggersOf(makeFlow({ triggers: [trigger('p', poll.type, { disabled: true })] }), registry)).toEqual([]);
  });
});

describe('triggerExecutionId', () => {
  it('derives the id from the event key, the same for every delivery and other for another trigger', () => {
    const id = triggerExecutionId(key, { key: 'msg-1' });
    expect(id && isId(id)).toBe(true);
    expect(triggerExecutionId(key, { key: 'msg-1' }, { cursor: 5, index: 0 })).toBe(id);
    expect(triggerExecutionId(key, { key: 'msg-2' })).not.toBe(id);
    expect(triggerExecutionId({ ...key, triggerId: 'q' }, { key: 'msg-1' })).not.toBe(id);
  });

  it('without a key, derives it from the cursor polled from and the index, whatever the key order of the cursor', () => {
    const id = triggerExecutionId(key, {}, { cursor: { a: 1, b: 2 }, index: 0 });
    expect(triggerExecutionId(key, {}, { cursor: { b: 2, a: 1 }, index: 0 })).toBe(id);
    expect(triggerExecutionId(key, {}, { cursor: { a: 1, b: 2 }, index: 1 })).not.toBe(id);
    expect(triggerExecutionId(key, {}, { cursor: { a: 2, b: 2 }, index: 0 })).not.toBe(id);
    expect(triggerExecutionId(key, {})).toBeUndefined();
  });
});

describe('executionOfStart', () => {
  const prepared = prepareTrigger({ flow: makeFlow(), triggerId: 'p', registry, secrets: mapSecrets({}), logger: silentLogger, signal: new AbortController().signal });

  it('makes an execution with the derived id, the trigger variables and both label sets', () => {
    if (!prepared.ok) throw new Error(prepared.reason);
    const made = executionOfStart(prepared, { kind: 'start', variables: { n: 1 }, key: 'k', labels: [{ key: 'event', value: 'e' }] });
    if (made.kind !== 'start') throw new Error('expected a start');
    expect(made.execution.id).toBe(triggerExecutionId(key, { key: 'k' }));
    expect(made.execution.trigger).toMatchObject({ id: 'p', type: poll.type, variables: { n: 1 } });
    expect(made.execution.labels).toEqual(expect.arrayContaining([{ key: 'from', value: 'trigger' }, { key: 'event', value: 'e' }, { key: 'system.from', value: 'trigger' }]));
  });

  it('refuses to prepare a trigger that is gone, disabled or not of a runnable mode', () => {
    const at = (flow: FlowRevision | undefined, triggerId = 'p') => prepareTrigger({ flow, triggerId, registry, secrets: mapSecrets({}), logger: silentLogger, signal: new AbortController().signal });
    expect(at(undefined)).toEqual({ ok: false, reason: 'the flow no longer exists' });
    expect(at(makeFlow({ disabled: true }))).toEqual({ ok: false, reason: 'the flow is disabled' });
    expect(at(makeFlow(), 'gone')).toEqual({ ok: false, reason: "the flow has no trigger 'gone'" });
    expect(at(makeFlow(), 'w')).toEqual({ ok: false, reason: "trigger 'w' is neither a poll nor a listen trigger" });
  });
});

describe('backoff and poll timing', () => {
  it('doubles from the base after each failure up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10, 100].map((n) => backoffMs(n, 500, 4000))).toEqual([0, 500, 1000, 2000, 4000, 4000, 4000]);
  });

  it('waits until the stored next poll, and polls at once (once) when it is past', () => {
    expect(pollDelayMs(undefined, 1000)).toBe(0);
    expect(pollDelayMs(1500, 1000)).toBe(500);
    expect(pollDelayMs(1000 - 3_600_000, 1000)).toBe(0);
  });
});

describe('saving a flow with a poll or listen trigger', () => {
  const source = (type: string, extra = '') => `id: orders
namespace: company.team
tasks:
  - id: log
    type: dev.test.Noop
triggers:
  - id: t
    type: ${type}
    every: 1000
${extra}`;

  it('accepts one, with stopAfter too (the worker disables the trigger when an execution it started ends in a listed state)', () => {
    const plain = parseFlow(source(poll.type), registry);
    expect(plain.ok ? [] : plain.errors.map((e) => e.message)).toEqual([]);
    for (const type of [poll.type, listen.type]) {
      const parsed = parseFlow(source(type, '    stopAfter: [FAILED]\n'), registry);
      expect(parsed.ok ? [] : parsed.errors.map((e) => e.message)).toEqual([]);
      if (parsed.ok) expect(parsed.flow.triggers[0]?.stopAfter).toEqual(['FAILED']);
    }
  });
});
