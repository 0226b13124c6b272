import { describe, expect, it } from 'vitest';
import type { Execution, TaskRun } from '../model/execution.js';
import { withTaskRun } from './task-runs.js';

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
