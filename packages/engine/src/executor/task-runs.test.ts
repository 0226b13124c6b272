import { describe, expect, it } from 'vitest';
import type { Execution, TaskRun } from '../model/execution.js';
import type { FlowTask } from '../flow/flow.types.js';
import { endTaskRun, newTaskRun, startAttempt, withTaskRun } from './task-runs.js';

const run = (id: string, taskId = id): TaskRun => ({
  tenantId: 'main', id, executionId: 'e', namespace: 'n', flowId: 'f', taskId, attempts: [], outputs: {},
  state: { current: 'CREATED', histories: [] },
});
const execution = (runs: TaskRun[]): Execution => ({ taskRunList: runs } as unknown as Execution);
const ids = (e: Execution) => e.taskRunList.map((r) => `${r.id}:${r.taskId}`);

describe('withTaskRun', () => {
  it('replaces the run of the same id in place and appends a new one, leaving the given list as it was', () => {
    const base = execution([run('a'), run('b')]);
    const replaced = withTaskRun(base, run('a', 'a2'));
    expect(ids(replaced)).toEqual(['a:a2', 'b:b']);
    const appended = withTaskRun(replaced, run('c'));
    expect(ids(appended)).toEqual(['a:a2', 'b:b', 'c:c']);
    expect(ids(withTaskRun(appended, run('c', 'c2')))).toEqual(['a:a2', 'b:b', 'c:c2']);
    expect(ids(base)).toEqual(['a:a', 'b:b']);
  });

  it('stays right when lists of different lengths derive from one list', () => {
    const base = execution([run('a')]);
    const one = withTaskRun(base, run('x'));
    const two = withTaskRun(withTaskRun(base, run('y')), run('x'));
    // `x` sits at 1 in one and at 2 in two: each finds its own.
    expect(ids(withTaskRun(one, run('x', 'x1')))).toEqual(['a:a', 'x:x1']);
    expect(ids(withTaskRun(two, run('x', 'x2')))).toEqual(['a:a', 'y:y', 'x:x2']);
    expect(ids(withTaskRun(base, run('x', 'x3')))).toEqual(['a:a', 'x:x3']);
    expect(ids(withTaskRun(one, run('y')))).toEqual(['a:a', 'x:x', 'y:y']);
  });

  it('replaces the first of a duplicated id, as a scan finds it', () => {
    expect(ids(withTaskRun(execution([run('a'), run('a', 'dup')]), run('a', 'new')))).toEqual(['a:new', 'a:dup']);
  });
});

describe('task run changes keep the stored text', () => {
  // What is stored is the JSON of these objects: keys and their order must not depend on the path taken.
  const flowTask = { id: 't', type: 'x' } as unknown as FlowTask;
  const parent = { tenantId: 'main', id: 'e', namespace: 'n', flowId: 'f' } as unknown as Execution;
  const date = new Date('2024-01-01T00:00:00.000Z');

  it('a new task run has the same keys in the same order with or without a place', () => {
    const top = newTaskRun(parent, flowTask, date);
    const placed = newTaskRun(parent, flowTask, date, { parentTaskRunId: 'p', value: 'v' });
    expect(Object.keys(top)).toEqual(['tenantId', 'id', 'executionId', 'namespace', 'flowId', 'taskId', 'attempts', 'outputs', 'state']);
    expect(Object.keys(placed)).toEqual(['tenantId', 'id', 'executionId', 'namespace', 'flowId', 'taskId', 'parentTaskRunId', 'value', 'attempts', 'outputs', 'state']);
    expect(newTaskRun(parent, flowTask, date, {})).toEqual({ ...top, id: expect.any(String) });
  });

  it('a started attempt drops a waited retry date and keeps every other key in place', () => {
    const waited = { ...run('a'), retryAt: '2024-01-01T00:00:01.000Z', iteration: 2 };
    const started = startAttempt(waited, date);
    expect(Object.keys(started)).toEqual(['tenantId', 'id', 'executionId', 'namespace', 'flowId', 'taskId', 'attempts', 'outputs', 'state', 'iteration']);
    expect(Object.keys(startAttempt({ ...run('a'), iteration: 2 }, date))).toEqual(Object.keys(started));
    expect(started.attempts).toEqual([{ state: { current: 'RUNNING', histories: [{ state: 'RUNNING', date: date.toISOString() }] } }]);
  });

  it('an end changes only the last attempt', () => {
    const twice = startAttempt(endTaskRun(startAttempt(run('a'), date), 'FAILED', {}, date), date);
    const ended = endTaskRun(twice, 'WARNING', { x: 1 }, date, 'FAILED');
    expect(ended.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED']);
    expect(ended.attempts[0]).toBe(twice.attempts[0]);
    expect(ended.state.current).toBe('WARNING');
    expect(endTaskRun(run('a'), 'SUCCESS', {}, date).attempts).toEqual([]);
  });
});
