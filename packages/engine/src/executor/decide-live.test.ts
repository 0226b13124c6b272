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
});
