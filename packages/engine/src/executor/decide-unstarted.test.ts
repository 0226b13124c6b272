import { describe, expect, it } from 'vitest';
import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun, TaskRunPlan } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { decide, type Action } from './decide.js';
import { liveRuns } from '../../test/fixtures/live-runs.js';
import { liveRunIndex, runIndex, type RunIndex } from './flow-tree.js';

// decide walks a level's branches only as far as runs reach and the level has room to start one
// more (the rest wait to start). At every step it must say what a walk over every branch says:
// an index without `children` makes decide walk them all.

const task = (id: string, disabled = false): FlowTask => ({ id, type: 'test.T', disabled, allowFailure: false, allowWarning: false, props: {} });
const run = (id: string, taskId: string, state: StateType, more: Partial<TaskRun> = {}): TaskRun => ({
  tenantId: 'main', id, executionId: 'e', namespace: 'n', flowId: 'f', taskId, attempts: [], outputs: {},
  state: { current: state, histories: [{ state, date: '2024-01-01T00:00:00.000Z' }] }, ...more,
});

const each = task('each');
const tasks = new Map([['each', each], ...['a', 'b', 'c', 'd'].map((id) => [id, task(id)] as const), ['off', task('off', true)]]);

const show = (actions: readonly Action[]) => actions.map((x) => (x.kind === 'start' ? `start ${x.slot.task.id}@${x.slot.value}`
  : x.kind === 'end' ? `end ${x.taskRun.taskId} ${x.state}` : x.kind === 'end-execution' ? `execution ${x.state}` : `${x.kind} ${x.taskRun.taskId}@${x.taskRun.value}`));
const decideOver = (runs: RunIndex) => show(decide({ flow: { tasks: [each] }, tasks, runs, running: new Set() }));
const walkingAll = (list: readonly TaskRun[]): RunIndex => {
  const { find, byId, size, endedReplaced } = runIndex(list);
  return { find, byId, size, ...(endedReplaced === undefined ? {} : { endedReplaced }) };
};

/**
 * Runs `plan` to its end: each step starts what decide says (RUNNING, not in `running`, so a
 * busy branch shows as a `resume`), and ends the oldest running task run (FAILED when `fails`
 * says so), checking decide over the live index against a walk over every branch at each step.
 */
function simulate(plan: TaskRunPlan, fails: (taskId: string, value: string | undefined) => boolean = () => false): string[] {
  const eachRun = run('E', 'each', 'RUNNING', { plan });
  const { live, list, put } = liveRuns([eachRun]);
  const running: TaskRun[] = [];
  const seen: string[] = [];
  let n = 0;
  for (let step = 0; step < 200; step++) {
    const expected = decideOver(walkingAll(list()));
    expect(decideOver(live), `step ${step}`).toEqual(expected);
    seen.push(expected.join(', '));
    if (expected.some((x) => x.startsWith('execution'))) return seen;
    for (const action of decide({ flow: { tasks: [each] }, tasks, runs: walkingAll(list()), running: new Set() })) {
      if (action.kind === 'start') {
        const started = run(`r${++n}`, action.slot.task.id, 'RUNNING', { parentTaskRunId: 'E', ...(action.slot.value === undefined ? {} : { value: action.slot.value }) });
        put(started);
        running.push(started);
      } else if (action.kind === 'end') {
        put({ ...action.taskRun, state: { ...action.taskRun.state, current: action.state } });
      }
    }
    const oldest = running.shift();
    if (oldest) put({ ...oldest, state: { ...oldest.state, current: fails(oldest.taskId, oldest.value) ? 'FAILED' : 'SUCCESS' } });
  }
  throw new Error('no end in 200 steps');
}

const values = (count: number) => Array.from({ length: count }, (_, i) => String(i + 1));

describe('decide over branches waiting to start', () => {
  it('decides as a walk over every branch, one value at a time, two at a time and all at once', () => {
    for (const concurrency of [1, 2, 0]) {
      const seen = simulate({ branches: values(8).map((value) => ({ value, taskIds: ['a', 'b'] })), concurrency, allowFailure: false });
      expect(seen.at(-1)).toBe('execution SUCCESS');
    }
  });

  it('decides as a walk over every branch when a later branch started first (a branch waits for another)', () => {
    // The first branch waits for `c`, in the third: the second and third start before it, so runs
    // stand past a branch waiting to start, and must be walked (their `resume`s, their places).
    const seen = simulate({
      branches: [{ taskIds: ['a'], after: ['c'] }, { taskIds: ['b'] }, { taskIds: ['c'] }, { taskIds: ['d'] }], concurrency: 2, allowFailure: false,
    });
    expect(seen[1]).toContain('resume c@undefined');
    expect(seen.at(-1)).toBe('execution SUCCESS');
  });

  it('decides as a walk over every branch with a failure, repeated values and branches without a task to run', () => {
    const failing = simulate({ branches: values(6).map((value) => ({ value, taskIds: ['a'] })), concurrency: 2, allowFailure: false }, (id, value) => value === '3');
    expect(failing.at(-1)).toBe('execution FAILED');
    const repeated = simulate({ branches: ['x', 'y', 'x', 'z', 'y'].map((value) => ({ value, taskIds: ['a'] })), concurrency: 1, allowFailure: false });
    expect(repeated.at(-1)).toBe('execution SUCCESS');
    const empty = simulate({ branches: [{ value: '1', taskIds: ['a'] }, { value: '2', taskIds: ['off'] }, { value: '3', taskIds: ['a'] }, { value: '4', taskIds: ['off'] }], concurrency: 1, allowFailure: false });
    expect(empty.at(-1)).toBe('execution SUCCESS');
  });

  it('walks a branch again once a run is filed in it, past the branches it had found waiting', () => {
    const plan: TaskRunPlan = { branches: values(5).map((value) => ({ value, taskIds: ['a'] })), concurrency: 1, allowFailure: false };
    const list = [run('E', 'each', 'RUNNING', { plan }), run('r1', 'a', 'SUCCESS', { parentTaskRunId: 'E', value: '1' }), run('r2', 'a', 'RUNNING', { parentTaskRunId: 'E', value: '2' })];
    const live = liveRunIndex(list);
    expect(decideOver(live)).toEqual(decideOver(walkingAll(list)));
    // A run in the fourth branch (as a restart of an older execution's store could leave): now
    // the level is full, and the fourth branch shows as one that must resume.
    const later = run('r4', 'a', 'RUNNING', { parentTaskRunId: 'E', value: '4' });
    live.put(later);
    expect(decideOver(live)).toEqual(decideOver(walkingAll([...list, later])));
    expect(decideOver(live)).toContain('resume a@4');
  });
});
