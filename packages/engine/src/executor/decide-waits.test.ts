import { describe, expect, it } from 'vitest';
import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun, TaskRunWait } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { decide } from './decide.js';
import { runIndex } from './flow-tree.js';
import { resumeExecution } from './resume.js';
import { nextWake } from './wake.js';
import { endWait } from './waits.js';

// Waits in the decision step alone: no store, no clock, no plugin. A waiting task is a flowable
// whose run carries a wait (what a Pause or a Sleep plans).

const task = (id: string, more: Partial<FlowTask> = {}): FlowTask =>
  ({ id, type: 'test.T', disabled: false, allowFailure: false, allowWarning: false, props: {}, ...more });
const DATE = '2024-01-01T00:00:00.000Z';
const UNTIL = '2024-01-01T00:05:00.000Z';
const run = (taskId: string, state: StateType, more: Partial<TaskRun> = {}): TaskRun => ({
  tenantId: 'main', id: more.id ?? `r-${taskId}`, executionId: 'e', namespace: 'n', flowId: 'f', taskId, attempts: [], outputs: {},
  state: { current: state, histories: [{ state, date: DATE }] }, ...more,
});
const wait = (more: Partial<TaskRunWait> = {}): TaskRunWait => ({ until: UNTIL, onUntil: 'SUCCESS', pause: true, endsTask: true, ...more });
const paused = (more: Partial<TaskRunWait> = {}, runMore: Partial<TaskRun> = {}) =>
  run('pause', 'PAUSED', { plan: { branches: [], concurrency: 1, allowFailure: false }, wait: wait(more), ...runMore });

const tasks = [task('pause'), task('after')];
const index = (list: readonly FlowTask[]) => new Map(list.flatMap((t) => [t, ...(t.errors ?? []), ...(t.finally ?? [])]).map((t) => [t.id, t]));
const next = (runs: readonly TaskRun[], list: readonly FlowTask[] = tasks) =>
  decide({ flow: { tasks: list }, tasks: index(list), runs: runIndex(runs), running: new Set() });
const execution = (runs: readonly TaskRun[], state: StateType = 'PAUSED') => ({
  tenantId: 'main', id: 'e', namespace: 'n', flowId: 'f', flowRevision: 1, taskRunList: runs, inputs: {}, labels: [],
  state: { current: state, histories: [{ state, date: DATE }] }, metadata: { attemptNumber: 1, originalCreatedDate: DATE },
});

describe('decide: waits', () => {
  it('a waiting task holds its branch: a wait action with its date, nothing after it starts', () => {
    expect(next([paused()])).toEqual([{ kind: 'wait', task: tasks[0], taskRun: paused(), at: new Date(UNTIL) }]);
  });

  it('a pause without a date waits for a resume: a wait action without `at`', () => {
    const [action] = next([paused({ until: undefined })]);
    expect(action).toMatchObject({ kind: 'wait' });
    expect(action && 'at' in action).toBe(false);
  });

  it('once the wait ended in SUCCESS (no children), the next task starts', () => {
    const ended = endWait(paused(), { state: 'SUCCESS', date: new Date(UNTIL) });
    expect(ended.state.current).toBe('SUCCESS');
    expect(ended.wait).toBeUndefined();
    expect(ended.outputs).toEqual({ resumed: { on: UNTIL, to: 'SUCCESS' } });
    expect(next([ended]).map((a) => a.kind === 'start' && a.slot.task.id)).toEqual(['after']);
  });

  it('a wait that ended FAILED runs no branch of its task, only its errors and finally; the task ends FAILED', () => {
    const pause = task('pause', { errors: [task('onError')], finally: [task('always')] });
    const list = [pause, task('after')];
    const failed = endWait(paused({ endsTask: false, onUntil: 'FAILED' }, { plan: { branches: [{ taskIds: ['child'] }], concurrency: 1, allowFailure: false } }), { state: 'FAILED', date: new Date(UNTIL) });
    expect(failed.state.current).toBe('RUNNING');
    expect(failed.plan?.own).toBe('FAILED');
    expect(next([failed], list).map((a) => a.kind === 'start' && a.slot.task.id)).toEqual(['onError']);
    const handled = [failed, run('onError', 'SUCCESS', { parentTaskRunId: failed.id }), run('always', 'SUCCESS', { parentTaskRunId: failed.id })];
    expect(next(handled, list)).toEqual([{ kind: 'end', task: pause, taskRun: failed, state: 'FAILED' }]);
  });

  it('a wait that ended WARNING runs its branches and ends the task in WARNING at least', () => {
    const pause = task('pause');
    const warned = endWait(paused({ endsTask: false }, { plan: { branches: [{ taskIds: ['child'] }], concurrency: 1, allowFailure: false } }), { state: 'WARNING', date: new Date(UNTIL) });
    const list = [pause, task('child')];
    expect(next([warned], list).map((a) => a.kind === 'start' && a.slot.task.id)).toEqual(['child']);
    expect(next([warned, run('child', 'SUCCESS', { parentTaskRunId: warned.id })], list)).toEqual([{ kind: 'end', task: pause, taskRun: warned, state: 'WARNING' }]);
  });

  it('nextWake: the earliest date while nothing is due, `now` once one is, undefined for a pause alone', () => {
    const before = new Date('2024-01-01T00:01:00.000Z');
    expect(nextWake({ tasks }, index(tasks), execution([paused()]), before)).toEqual(new Date(UNTIL));
    expect(nextWake({ tasks }, index(tasks), execution([paused()]), new Date(UNTIL))).toBe('now');
    expect(nextWake({ tasks }, index(tasks), execution([paused({ until: undefined })]), before)).toBeUndefined();
    expect(nextWake({ tasks }, index(tasks), execution([run('pause', 'SUCCESS')], 'RUNNING'), before)).toBe('now');
  });
});

describe('resumeExecution', () => {
  const inputs = [{ id: 'reason', type: 'STRING' }, { id: 'approved', type: 'BOOLEAN', defaults: true }];
  const now = new Date('2024-01-01T00:02:00.000Z');

  it('ends the pause in SUCCESS with onResume (defaults applied) and resumed; the execution goes RESTARTED', () => {
    const result = resumeExecution({ execution: execution([paused({ inputs })]), inputs: { reason: 'ok' }, by: 'admin', now });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.until).toEqual(new Date(UNTIL));
    expect(result.execution.state.current).toBe('RESTARTED');
    const [pause] = result.execution.taskRunList;
    expect(pause?.state.current).toBe('SUCCESS');
    expect(pause?.wait).toBeUndefined();
    expect(pause?.outputs).toEqual({ onResume: { reason: 'ok', approved: true }, resumed: { by: 'admin', on: now.toISOString(), to: 'SUCCESS' } });
  });

  it('refuses inputs that do not match onResume, naming each field', () => {
    const result = resumeExecution({ execution: execution([paused({ inputs })]), inputs: { approved: 'maybe', extra: 1 }, now });
    expect(result.ok === false && result.reason === 'invalid' && result.errors.map((e) => e.path).sort()).toEqual(['onResume.approved', 'onResume.extra', 'onResume.reason']);
  });

  it('refuses an execution that is not paused, or paused by nothing it can resume (a Sleep)', () => {
    expect(resumeExecution({ execution: execution([run('pause', 'SUCCESS')], 'RUNNING'), now })).toMatchObject({ ok: false, reason: 'not-paused' });
    expect(resumeExecution({ execution: execution([run('nap', 'RUNNING', { wait: wait({ pause: false }) })], 'RUNNING'), now })).toMatchObject({ ok: false, reason: 'not-paused' });
  });

  it('keeps the execution PAUSED while another pause still waits', () => {
    const result = resumeExecution({ execution: execution([paused(), paused({}, { id: 'r-other', taskId: 'other' })]), now });
    expect(result.ok && result.execution.state.current).toBe('PAUSED');
  });
});
