import { describe, expect, it } from 'vitest';
import type { TaskRunAttempt } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { attemptEnd, nextRetryDate, retryPolicyOf } from './retry-policy.js';

// The retry arithmetic alone, on attempts with fixed dates: no clock, no store, no plugin.

const T0 = Date.parse('2024-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
/** An attempt that ran from `start` to `end` ms after T0 and ended in `state`. */
const attempt = (start: number, end: number, state: StateType = 'FAILED'): TaskRunAttempt => ({
  state: { current: state, histories: [{ state: 'RUNNING', date: at(start) }, { state, date: at(end) }] },
});
const fixed = (value: number) => () => value;
const next = (retry: Record<string, unknown>, attempts: readonly TaskRunAttempt[], random = fixed(0.5)) => {
  const date = nextRetryDate(retryPolicyOf(retry)!, attempts, random);
  return date === undefined ? undefined : date.getTime() - T0;
};

describe('retry: when the next attempt starts', () => {
  it('constant: the interval after the end of the last attempt', () => {
    expect(next({ type: 'constant', interval: 'PT1S' }, [attempt(0, 100)])).toBe(1100);
    expect(next({ type: 'constant', interval: 'pt0.25s' }, [attempt(0, 100), attempt(1100, 1300)])).toBe(1550);
  });
  it('exponential: interval × factor × (attempts − 1), capped, so the first retry comes at once (Kestra)', () => {
    const retry = { type: 'exponential', interval: 'PT1S', maxInterval: 'PT5S' };
    expect(next(retry, [attempt(0, 0)])).toBe(0);
    expect(next(retry, [attempt(0, 0), attempt(0, 0)])).toBe(2000);
    expect(next(retry, [attempt(0, 0), attempt(0, 0), attempt(0, 0)])).toBe(4000);
    expect(next(retry, [attempt(0, 0), attempt(0, 0), attempt(0, 0), attempt(0, 0)])).toBe(5000);
    expect(next({ ...retry, delayFactor: 3.9 }, [attempt(0, 0), attempt(0, 0)])).toBe(3000);
  });
  it('random: between minInterval and maxInterval, drawn from the source given', () => {
    const retry = { type: 'random', minInterval: 'PT1S', maxInterval: 'PT2S' };
    expect(next(retry, [attempt(0, 0)], fixed(0))).toBe(1000);
    expect(next(retry, [attempt(0, 0)], fixed(0.5))).toBe(1500);
    expect(next(retry, [attempt(0, 0)], fixed(0.999))).toBe(1999);
  });
  it('none once the attempts reach maxAttempt (the first counts), under either spelling', () => {
    expect(next({ type: 'constant', interval: 'PT1S', maxAttempt: 2 }, [attempt(0, 0)])).toBe(1000);
    expect(next({ type: 'constant', interval: 'PT1S', maxAttempt: 2 }, [attempt(0, 0), attempt(1000, 1000)])).toBeUndefined();
    expect(next({ type: 'constant', interval: 'PT1S', maxAttempts: 1 }, [attempt(0, 0)])).toBeUndefined();
  });
  it('none when the next start would pass the first start plus maxDuration', () => {
    const retry = { type: 'constant', interval: 'PT2S', maxDuration: 'PT6S' };
    expect(next(retry, [attempt(0, 0), attempt(2000, 2000), attempt(4000, 4000)])).toBe(6000);
    expect(next(retry, [attempt(0, 0), attempt(2000, 2000), attempt(4000, 4000), attempt(6000, 6000)])).toBeUndefined();
    expect(next(retry, [attempt(0, 4500)])).toBeUndefined();
  });
  it('without maxAttempt or maxDuration, retries without end', () => {
    expect(next({ type: 'constant', interval: 'PT1S' }, Array.from({ length: 50 }, () => attempt(0, 0)))).toBe(1000);
  });
});

describe('retry: how an attempt ends', () => {
  const task = { allowFailure: false, allowWarning: false };
  const policy = retryPolicyOf({ type: 'constant', interval: 'PT1S', maxAttempt: 3, warningOnRetry: true });
  const random = fixed(0);
  it('a failure with a retry left waits RETRYING until the date', () => {
    expect(attemptEnd(task, policy, [attempt(0, 10)], 'FAILED', random)).toEqual({ state: 'RETRYING', retryAt: new Date(T0 + 1010) });
  });
  it('a failure without a retry left ends FAILED, or WARNING under allowFailure (SUCCESS with allowWarning)', () => {
    const spent = [attempt(0, 0), attempt(0, 0), attempt(0, 0)];
    expect(attemptEnd(task, policy, spent, 'FAILED', random)).toEqual({ state: 'FAILED' });
    expect(attemptEnd({ allowFailure: true, allowWarning: false }, policy, spent, 'FAILED', random)).toEqual({ state: 'WARNING' });
    expect(attemptEnd({ allowFailure: true, allowWarning: true }, policy, spent, 'FAILED', random)).toEqual({ state: 'SUCCESS' });
    expect(attemptEnd(task, undefined, [attempt(0, 0)], 'FAILED', random)).toEqual({ state: 'FAILED' });
  });
  it('allowFailure does not skip the retries: a failure with one left still waits', () => {
    expect(attemptEnd({ allowFailure: true, allowWarning: false }, policy, [attempt(0, 0)], 'FAILED', random).state).toBe('RETRYING');
  });
  it('warningOnRetry: a success after a retry ends WARNING, a first-attempt success SUCCESS', () => {
    expect(attemptEnd(task, policy, [attempt(0, 0), attempt(0, 0, 'SUCCESS')], 'SUCCESS', random)).toEqual({ state: 'WARNING' });
    expect(attemptEnd(task, policy, [attempt(0, 0, 'SUCCESS')], 'SUCCESS', random)).toEqual({ state: 'SUCCESS' });
  });
});
