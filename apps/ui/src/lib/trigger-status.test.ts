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
});
