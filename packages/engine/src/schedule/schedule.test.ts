import { describe, expect, it } from 'vitest';
import { Dynamic, Type, definePluginPackage, defineTrigger, type PluginLogger } from '@sluice/core';
import type { FlowInput, FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import { isId } from '../model/ids.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { fireSchedule, scheduleExecutionId, scheduleIdOf, schedulesOf, type FireScheduleInput } from './index.js';

const SCHEDULE = 'com.example.Every';

/** A schedule every `seconds` seconds (a host-rendered `offset` shows rendering), with switches. */
const every = defineTrigger({
  mode: 'schedule',
  type: SCHEDULE,
  aliases: ['com.example.OldEvery'],
  title: 'Every n seconds',
  description: 'Ticks every `seconds`.',
  props: Type.Object({
    seconds: Type.Integer({ minimum: 1, description: 'Seconds between ticks.' }),
    label: Type.Optional(Dynamic(Type.String({ description: 'A label, rendered by the host.' }))),
    skip: Type.Optional(Type.Boolean({ description: 'Skip every tick.' })),
    inputs: Type.Optional(Dynamic(Type.Record(Type.String(), Type.Unknown(), { description: 'Inputs.' }), { renderedBy: 'plugin' })),
    explode: Type.Optional(Type.Boolean({ description: 'The calendar throws.' })),
  }, { additionalProperties: false }),
  variables: Type.Object({ date: Type.String({ description: 'The tick.' }) }),
  examples: [{ title: 'Every', flow: 'id: x' }],
  nextDate(props, after) {
    if (props.explode) throw new Error('bad calendar');
    const step = props.seconds * 1000;
    return new Date(Math.floor(after.getTime() / step) * step + step);
  },
  fire(ctx, props, tick) {
    ctx.logger.info(`firing with ${props.label ?? 'no label'}`);
    if (props.skip) return { kind: 'skip', reason: 'told to' };
    const inputs = props.inputs && Object.fromEntries(Object.entries(props.inputs).map(([k, v]) => [k, ctx.render(String(v), { trigger: { date: tick.date.toISOString() } })]));
    return { kind: 'start', variables: { date: tick.date.toISOString(), next: tick.next?.toISOString() }, ...(inputs ? { inputs } : {}), labels: [{ key: 'tick', value: 'yes' }] };
  },
});

const hook = defineTrigger({
  mode: 'webhook',
  type: 'com.example.Hook',
  title: 'Hook',
  description: 'Not a schedule.',
  props: Type.Object({}, { additionalProperties: false }),
  variables: Type.Object({}),
  examples: [{ title: 'Hook', flow: 'id: x' }],
  receive: () => ({ kind: 'not-matched' }),
});

const registry = createRegistry([{
  pkg: definePluginPackage({ triggers: [every, hook] }),
  info: { name: 'test-triggers', version: '0.0.0', path: '/dev/null', types: [SCHEDULE, hook.type] },
}]);

const trigger = (props: Record<string, unknown>, more: Partial<FlowTrigger> = {}): FlowTrigger =>
  ({ id: 'tick', type: SCHEDULE, disabled: false, labels: [{ key: 'from-trigger', value: '1' }], props, ...more });

function makeFlow(overrides: Partial<FlowRevision> = {}): FlowRevision {
  return {
    tenantId: 'main', id: 'nightly', namespace: 'company.team', labels: [{ key: 'team', value: 'data' }], inputs: [], variables: { who: 'ops' },
    outputs: [], tasks: [], triggers: [trigger({ seconds: 10 })], disabled: false, extra: {},
    revision: 3, source: '', updated: '2024-01-01T00:00:00.000Z', deleted: false, ...overrides,
  };
}

function recording(): PluginLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (message: string) => void lines.push(message);
  return { lines, log: (_level, message) => push(message), trace: push, debug: push, info: push, warn: push, error: push };
}

const at = (iso: string) => new Date(iso);
const options = { registry, secrets: mapSecrets({ LABEL: 'from a secret' }) };

describe('schedulesOf', () => {
  it('gives one spec per enabled schedule trigger, with a stable id and the plugin calendar', () => {
    const flow = makeFlow({ triggers: [trigger({ seconds: 10 }), trigger({ seconds: 60 }, { id: 'minute', type: 'com.example.OldEvery' }), { ...trigger({}), id: 'web', type: 'com.example.Hook' }] });
    const specs = schedulesOf(flow, options);
    expect(specs.map((s) => [s.id, s.triggerId, s.revision])).toEqual([
      ['main/company.team/nightly/tick', 'tick', 3],
      ['main/company.team/nightly/minute', 'minute', 3],
    ]);
    expect(specs[0]?.flowKey).toEqual({ tenantId: 'main', namespace: 'company.team', id: 'nightly' });
    expect(specs[0]?.next(at('2024-01-01T00:00:05Z'))).toEqual(at('2024-01-01T00:00:10Z'));
    expect(specs[1]?.next(at('2024-01-01T00:00:05Z'))).toEqual(at('2024-01-01T00:01:00Z'));
  });

  it('gives none for a disabled or deleted flow, nor for a disabled trigger', () => {
    expect(schedulesOf(makeFlow({ disabled: true }), options)).toEqual([]);
    expect(schedulesOf(makeFlow({ deleted: true }), options)).toEqual([]);
    expect(schedulesOf(makeFlow({ triggers: [trigger({ seconds: 10 }, { disabled: true })] }), options)).toEqual([]);
  });

  it('keeps the version across saves that do not touch the trigger, and changes it when its props change', () => {
    const [a] = schedulesOf(makeFlow(), options);
    const [b] = schedulesOf(makeFlow({ revision: 4, variables: { who: 'else' }, tasks: [] }), options);
    const [c] = schedulesOf(makeFlow({ triggers: [trigger({ seconds: 20 })] }), options);
    const [d] = schedulesOf(makeFlow({ triggers: [trigger({ label: 'x', seconds: 10 })] }), options);
    const [e] = schedulesOf(makeFlow({ triggers: [trigger({ seconds: 10, label: 'x' })] }), options);
    expect(a?.version).toBe(b?.version);
    expect(c?.version).not.toBe(a?.version);
    expect(d?.version).toBe(e?.version);
  });

  it('leaves out, with a warning naming the path, a trigger whose props are invalid or whose calendar throws', () => {
    const logger = recording();
    const flow = makeFlow({ triggers: [trigger({ seconds: 'often' }), trigger({ seconds: 5, explode: true }, { id: 'boom' }), trigger({ seconds: 5 }, { id: 'ok' })] });
    expect(schedulesOf(flow, { ...options, logger }).map((s) => s.triggerId)).toEqual(['ok']);
    expect(logger.lines).toEqual([
      "schedule trigger 'tick' of flow company.team.nightly not scheduled: its properties are invalid (seconds)",
      "schedule trigger 'boom' of flow company.team.nightly not scheduled: bad calendar",
    ]);
  });
});

describe('fireSchedule', () => {
  const tick = { date: at('2024-01-01T00:00:10Z'), next: at('2024-01-01T00:00:20Z') };
  const fire = (over: Partial<FireScheduleInput> = {}) =>
    fireSchedule({ flow: makeFlow(), triggerId: 'tick', tick, ...options, now: at('2024-01-01T00:00:10.250Z'), ...over });

  it('makes an execution from the schedule, with the trigger variables and system.from schedule', async () => {
    const firing = await fire();
    expect(firing.kind).toBe('start');
    if (firing.kind !== 'start') return;
    expect(firing.execution).toMatchObject({
      namespace: 'company.team', flowId: 'nightly', flowRevision: 3,
      state: { current: 'CREATED', histories: [{ state: 'CREATED', date: '2024-01-01T00:00:10.250Z' }] },
      trigger: { id: 'tick', type: SCHEDULE, variables: { date: '2024-01-01T00:00:10.000Z', next: '2024-01-01T00:00:20.000Z' } },
    });
    expect(firing.execution.labels).toEqual([
      { key: 'team', value: 'data' },
      { key: 'from-trigger', value: '1' },
      { key: 'tick', value: 'yes' },
      { key: 'system.correlationId', value: firing.execution.id },
      { key: 'system.from', value: 'schedule' },
    ]);
  });

  it('derives the execution id from the schedule and the tick, so a tick fired twice makes one execution', async () => {
    const [a, b] = await Promise.all([fire(), fire({ now: at('2024-01-01T00:00:11Z') })]);
    const later = await fire({ tick: { date: at('2024-01-01T00:00:20Z') } });
    const id = (f: typeof a) => (f.kind === 'start' ? f.execution.id : '');
    expect(id(a)).toBe(id(b));
    expect(id(a)).toBe(scheduleExecutionId(scheduleIdOf({ tenantId: 'main', namespace: 'company.team', id: 'nightly' }, 'tick'), tick.date));
    expect(isId(id(a))).toBe(true);
    expect(id(later)).not.toBe(id(a));
    const otherTrigger = await fire({ flow: makeFlow({ triggers: [trigger({ seconds: 10 }, { id: 'other' })] }), triggerId: 'other' });
    expect(id(otherTrigger)).not.toBe(id(a));
  });

  it('renders host-rendered props with the flow variables and secrets, and passes the plugin lines on', async () => {
    const logger = recording();
    const flow = makeFlow({ triggers: [trigger({ seconds: 10, label: "{{ vars.who }} {{ flow.id }} {{ secret('LABEL') }}" })] });
    await fire({ flow, logger });
    // The secret's value is masked in the plugin's lines.
    expect(logger.lines).toEqual(['firing with ops nightly ******']);
  });

  it('feeds the flow inputs, and reports inputs that fail validation as invalid', async () => {
    const inputs: FlowInput[] = [{ id: 'when', type: 'STRING', required: true, extra: {} }];
    const good = await fire({ flow: makeFlow({ inputs, triggers: [trigger({ seconds: 10, inputs: { when: '{{ trigger.date }}' } })] }) });
    expect(good.kind === 'start' && good.execution.inputs).toEqual({ when: '2024-01-01T00:00:10.000Z' });
    const bad = await fire({ flow: makeFlow({ inputs, triggers: [trigger({ seconds: 10 })] }) });
    expect(bad).toMatchObject({ kind: 'invalid', errors: [{ path: 'inputs.when' }] });
  });

  it('skips when the plugin skips', async () => {
    expect(await fire({ flow: makeFlow({ triggers: [trigger({ seconds: 10, skip: true })] }) })).toEqual({ kind: 'skip', reason: 'told to' });
  });

  it('finds nothing for a missing, disabled or deleted flow, a missing or disabled trigger, or a trigger of another mode', async () => {
    const kinds = await Promise.all([
      fire({ flow: undefined }),
      fire({ flow: makeFlow({ disabled: true }) }),
      fire({ flow: makeFlow({ deleted: true }) }),
      fire({ triggerId: 'gone' }),
      fire({ flow: makeFlow({ triggers: [trigger({ seconds: 10 }, { disabled: true })] }) }),
      fire({ flow: makeFlow({ triggers: [{ ...trigger({}), type: 'com.example.Hook' }] }) }),
    ]);
    expect(kinds.map((k) => k.kind)).toEqual(Array(6).fill('not-found'));
  });

  it('reports props that fail to prepare as invalid', async () => {
    expect((await fire({ flow: makeFlow({ triggers: [trigger({ seconds: 0 })] }) })).kind).toBe('invalid');
  });
});

describe('schedule ids', () => {
  it('encodes the parts, so no id holds a colon or names two triggers', () => {
    expect(scheduleIdOf({ tenantId: 'main', namespace: 'a:b', id: 'c/d' }, 'e')).toBe('main/a%3Ab/c%2Fd/e');
  });
});
