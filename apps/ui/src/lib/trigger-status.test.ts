import { describe, expect, it } from 'vitest';
import type { TriggerStateInfo } from '../api/types.js';
import { triggerStatus } from './trigger-status.js';

const state = (over: Partial<TriggerStateInfo>): TriggerStateInfo => ({
  namespace: 'n', flowId: 'f', triggerId: 't', type: 'x', disabled: false, sourceDisabled: false, apiDisabled: false, executions: 0, errors: 0, ...over,
});

describe('triggerStatus', () => {
  it('names the YAML first, then the API pause, and says when stopAfter may have paused it', () => {
    expect(triggerStatus(state({}), false).label).toBe('Active');
    expect(triggerStatus(state({ disabled: true, apiDisabled: true }), false)).toMatchObject({ label: 'Paused', why: 'Paused through the API; the YAML is unchanged' });
    expect(triggerStatus(state({ disabled: true, apiDisabled: true }), true).why).toContain('stopAfter');
    expect(triggerStatus(state({ disabled: true, sourceDisabled: true, apiDisabled: true }), false)).toMatchObject({ label: 'Disabled in the YAML', why: expect.stringContaining('also paused') });
  });

  it('tells a person\'s pause from a stop by stopAfter, from who disabled it', () => {
    const date = '2026-01-01T00:00:00.000Z';
    expect(triggerStatus(state({ disabled: true, apiDisabled: true, disabledBy: { kind: 'api', user: 'ada', date } }), true)).toMatchObject({ label: 'Paused', why: 'Paused through the API by ada; the YAML is unchanged' });
    expect(triggerStatus(state({ disabled: true, apiDisabled: true, disabledBy: { kind: 'stopAfter', executionId: 'x1', state: 'FAILED', date } }), true)).toMatchObject({
      label: 'Stopped by stopAfter', tone: 'warn', why: expect.stringContaining('execution x1 ended FAILED'),
    });
    // The YAML still wins.
    expect(triggerStatus(state({ disabled: true, sourceDisabled: true, apiDisabled: true, disabledBy: { kind: 'stopAfter', date } }), true).label).toBe('Disabled in the YAML');
  });
});
