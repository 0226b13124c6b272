import { describe, expect, it } from 'vitest';
import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { decide, type Action } from './decide.js';
import { liveRuns } from '../../test/fixtures/live-runs.js';
import { liveRunIndex, runIndex, type RunIndex } from './flow-tree.js';

// decide over an index kept current change by change (as drive keeps it, skipping the branches
// it found done in an earlier step) must say what it says over an index built afresh.

const task = (id: string): FlowTask => ({ id, type: 'test.T', disabled: false, allowFailure: false, allowWarning: false, props: {} });
const run = (id: string, taskId: string, state: StateType, more: Partial<TaskRun> = {}): TaskRun => ({
  tenantId: 'main', id, executionId: 'e', namespace: 'n', flowId: 'f', taskId, attempts: [], outputs: {},
  state: { current: state, histories: [{ state, date: '2024-01-01T00:00:00.000Z' }] }, ...more,
});

const a = task('a');
const b = task('b');
const each = task('each');
const tasks = new Map([['each', each], ['a', a], ['b', b]]);
const values = ['1', '2', '3', '4', '5', '6'];
const eachRun = run('E', 'each', 'RUNNING', { plan: { branches: values.map((value) => ({ value, taskIds: ['a', 'b'] })), concurrency: 2, allowFailure: false } });

const show = (actions: readonly Action[]) => actions.map((x) => (x.kind === 'start' ? `start ${x.slot.task.id}@${x.slot.value}`
  : x.kind === 'end' ? `end ${x.taskRun.taskId} ${x.state}` : x.kind === 'end-execution' ? `execution ${x.state}` : `${x.kind} ${x.taskRun.taskId}@${x.taskRun.value}`));
const decideOver = (runs: RunIndex) => show(decide({ flow: { tasks: [each] }, tasks, runs, running: new Set() }));

describe('decide over a live index', () => {
  it('decides as over a fresh index at every step of a ForEach, failures and the end included', () => {
    const { live, list, put } = liveRuns([eachRun]);
    let n = 0;
    for (let step = 0; step < 100; step++) {
      const expected = decideOver(runIndex(list()));
      expect(decideOver(live)).toEqual(expected);
      if (expected.some((x) => x.startsWith('execution'))) break;
      for (const action of decide({ flow: { tasks: [each] }, tasks, runs: runIndex(list()), running: new Set() })) {
        if (action.kind === 'start') {
          const id = `r${++n}`;
          put(run(id, action.slot.task.id, 'RUNNING', { parentTaskRunId: 'E', value: action.slot.value as string }));
          // b of value 5 fails: the level stops starting branches, then ends FAILED.
          put(run(id, action.slot.task.id, action.slot.task.id === 'b' && action.slot.value === '5' ? 'FAILED' : 'SUCCESS', { parentTaskRunId: 'E', value: action.slot.value as string }));
        } else if (action.kind === 'end') {
          put({ ...action.taskRun, state: { ...action.taskRun.state, current: action.state } });
        }
      }
    }
    expect(decideOver(live)).toEqual(['execution FAILED']);
  });

  it('walks a branch found done again once one of its ended runs is replaced', () => {
    const list = [eachRun, run('a1', 'a', 'SUCCESS', { parentTaskRunId: 'E', value: '1' }), run('b1', 'b', 'SUCCESS', { parentTaskRunId: 'E', value: '1' })];
    const live = liveRunIndex(list);
    expect(decideOver(live)).toEqual(['start a@2', 'start a@3']);
    // As a restart would: an ended run back to running, in its place.
    const again = run('a1', 'a', 'RUNNING', { parentTaskRunId: 'E', value: '1' });
    live.put(again);
    expect(decideOver(live)).toEqual(decideOver(runIndex([eachRun, again, list[2] as TaskRun])));
    expect(decideOver(live)).toContain('resume a@1');
  });

  it('decides a long list in order as over a fresh index, looking each task up a bounded number of times', () => {
    const list = Array.from({ length: 200 }, (_, i) => task(`t${i}`));
    const flat = new Map(list.map((t) => [t.id, t]));
    const { live, list: runs, put } = liveRuns([]);
    let finds = 0;
    const counted: RunIndex = { ...live, find: (...args) => (finds++, live.find(...args)), children: live.children, get endedReplaced() { return live.endedReplaced; }, get size() { return live.size; } };
    const over = (index: RunIndex) => show(decide({ flow: { tasks: list }, tasks: flat, runs: index, running: new Set() }));
    for (let i = 0; i < list.length; i++) {
      const expected = over(runIndex(runs()));
      expect(over(counted)).toEqual(expected);
      expect(expected).toEqual([`start t${i}@undefined`]);
      put(run(`r${i}`, `t${i}`, 'RUNNING'));
      expect(over(counted)).toEqual(over(runIndex(runs())));
      put(run(`r${i}`, `t${i}`, i === 150 ? 'WARNING' : 'SUCCESS'));
    }
    expect(over(counted)).toEqual(['execution WARNING']);
    // From the first task every step, 200 steps of two decisions would look up about 40,000 times.
    expect(finds).toBeLessThan(4 * list.length);
  });

  it('walks a list again from its first task once one of its ended runs is replaced', () => {
    const list = [task('x'), task('y'), task('z')];
    const flat = new Map(list.map((t) => [t.id, t]));
    const live = liveRunIndex([run('X', 'x', 'SUCCESS'), run('Y', 'y', 'SUCCESS')]);
    const over = (index: RunIndex) => show(decide({ flow: { tasks: list }, tasks: flat, runs: index, running: new Set() }));
    expect(over(live)).toEqual(['start z@undefined']);
    // As a restart would: the first task's ended run back to failed, in its place.
    live.put(run('X', 'x', 'FAILED'));
    expect(over(live)).toEqual(over(runIndex([run('X', 'x', 'FAILED'), run('Y', 'y', 'SUCCESS')])));
    expect(over(live)).toEqual(['execution FAILED']);
  });
});
