import { describe, expect, it } from 'vitest';
import type { AnyFlowableTask } from '@sluice/core';
import type { FlowTask } from '../flow/flow.types.js';
import { waitRecord } from './waits.js';

// The stored wait names the task's timeout only when the timeout, not the wait's own duration,
// ends it: that end is then logged as a timeout (drive.ts), which a Sleep's end is not.

const task = (more: Partial<FlowTask> = {}): FlowTask =>
  ({ id: 'nap', type: 'test.Sleep', disabled: false, allowFailure: false, allowWarning: false, props: {}, ...more });
const definition = { waits: true } as unknown as AnyFlowableTask;
const START = new Date('2024-01-01T00:00:00.000Z');

describe('waitRecord', () => {
  it('keeps the timeout when it comes before the duration, and fails the task then', () => {
    const record = waitRecord(task({ timeout: 'PT1S' }), definition, { durationMs: 60_000 }, START, true);
    expect(record).toMatchObject({ until: '2024-01-01T00:00:01.000Z', onUntil: 'FAILED', timeout: 'PT1S' });
  });

  it('names no timeout when the duration ends the wait first', () => {
    const record = waitRecord(task({ timeout: 'PT1M' }), definition, { durationMs: 1_000 }, START, true);
    expect(record).toMatchObject({ until: '2024-01-01T00:00:01.000Z', onUntil: 'SUCCESS' });
    expect(record.timeout).toBeUndefined();
  });

  it('keeps the timeout of a wait with no duration (a Pause waiting for a resume)', () => {
    const record = waitRecord(task({ timeout: 'PT5M' }), definition, { pause: true }, START, true);
    expect(record).toMatchObject({ until: '2024-01-01T00:05:00.000Z', onUntil: 'FAILED', timeout: 'PT5M', pause: true });
  });

  it('names no timeout when the task has none', () => {
    expect(waitRecord(task(), definition, { durationMs: 1_000 }, START, true).timeout).toBeUndefined();
  });
});
