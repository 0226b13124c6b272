import { describe, expect, it } from 'vitest';
import type { FlowRevision, FlowTrigger } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import { stopAfterTarget } from './stop-after.js';

const hook = (more: Partial<FlowTrigger> = {}): FlowTrigger => ({ id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', disabled: false, labels: [], props: {}, stopAfter: ['FAILED'], ...more });
const flow = (triggers: FlowTrigger[], more: Partial<FlowRevision> = {}): FlowRevision => ({
  tenantId: 'main', id: 'f', namespace: 'company.team', labels: [], inputs: [], variables: {}, outputs: [], tasks: [], triggers,
  disabled: false, extra: {}, revision: 2, source: '', updated: '2026-01-01T00:00:00.000Z', deleted: false, ...more,
});
const ended = (state: string, more: Partial<Execution> = {}): Execution => ({
  tenantId: 'main', id: 'e', namespace: 'company.team', flowId: 'f', flowRevision: 1, labels: [],
  state: { current: state, histories: [] }, trigger: { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: {} },
  ...more,
} as unknown as Execution);

describe('stopAfterTarget', () => {
  it('names the trigger when the execution it started ended in a listed state', () => {
    expect(stopAfterTarget(flow([hook()]), ended('FAILED'))).toEqual({ tenantId: 'main', namespace: 'company.team', flowId: 'f', triggerId: 'hook' });
  });

  it('names nothing for another state, a running execution, no stopAfter, another trigger, an API start, a test event or a deleted flow', () => {
    expect(stopAfterTarget(flow([hook()]), ended('SUCCESS'))).toBeUndefined();
    expect(stopAfterTarget(flow([hook({ stopAfter: ['RUNNING'] })]), ended('RUNNING'))).toBeUndefined();
    expect(stopAfterTarget(flow([hook({ stopAfter: undefined })]), ended('FAILED'))).toBeUndefined();
    expect(stopAfterTarget(flow([hook({ id: 'other' })]), ended('FAILED'))).toBeUndefined();
    expect(stopAfterTarget(flow([hook()]), ended('FAILED', { trigger: undefined }))).toBeUndefined();
    expect(stopAfterTarget(flow([hook()]), ended('FAILED', { labels: [{ key: 'system.test', value: 'true' }] }))).toBeUndefined();
    expect(stopAfterTarget(flow([hook()], { deleted: true }), ended('FAILED'))).toBeUndefined();
    expect(stopAfterTarget(undefined, ended('FAILED'))).toBeUndefined();
  });
});
