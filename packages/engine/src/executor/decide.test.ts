import { describe, expect, it } from 'vitest';
import type { FlowTask } from '../flow/flow.types.js';
import type { TaskRun, TaskRunPlan } from '../model/execution.js';
import type { StateType } from '../model/state.js';
import { decide, type Action } from './decide.js';
import { runIndex } from './flow-tree.js';

// The decision step alone: plain flows and task runs in, actions out. No store, no clock, no
// plugin: a flowable is a task whose run carries a plan.

const task = (id: string, more: Partial<FlowTask> = {}): FlowTask =>
  ({ id, type: 'test.T', disabled: false, allowFailure: false, allowWarning: false, props: {}, ...more });

let seq = 0;
const run = (taskId: string, state: StateType, more: Partial<TaskRun> = {}): TaskRun => ({
  tenantId: 'main', id: more.id ?? `r${++seq}`, executionId: 'e', namespace: 'n', flowId: 'f', taskId, attempts: [], outputs: {},
  state: { current: state, histories: [{ state, date: '2024-01-01T00:00:00.000Z' }] }, ...more,
});
const plan = (branches: { value?: string; taskIds: string[] }[], concurrency = 1, allowFailure = false): TaskRunPlan => ({ branches, concurrency, allowFailure });

interface Case {
  readonly tasks: readonly FlowTask[];
  readonly errors?: readonly FlowTask[];
  readonly finally?: readonly FlowTask[];
  readonly others?: readonly FlowTask[];
  readonly runs?: readonly TaskRun[];
  readonly running?: readonly string[];
}

function next({ tasks, errors, finally: closing, others = [], runs = [], running = [] }: Case): readonly Action[] {
  const all = new Map<string, FlowTask>();
  const add = (t: FlowTask) => {
    all.set(t.id, t);
    [...(t.errors ?? []), ...(t.finally ?? [])].forEach(add);
  };
  [...tasks, ...(errors ?? []), ...(closing ?? []), ...others].forEach(add);
  return decide({ flow: { tasks, ...(errors ? { errors } : {}), ...(closing ? { finally: closing } : {}) }, tasks: all, runs: runIndex(runs), running: new Set(running) });
}

/** Actions in a short form: `start a`, `start a@v<parent`, `resume a`, `end s SUCCESS`, `execution FAILED`. */
const show = (actions: readonly Action[]) => actions.map((a) => {
  if (a.kind === 'start') return `start ${a.slot.task.id}${a.slot.value === undefined ? '' : `@${a.slot.value}`}${a.slot.parentTaskRunId === undefined ? '' : `<${a.slot.parentTaskRunId}`}`;
  if (a.kind === 'resume') return `resume ${a.taskRun.taskId}`;
  if (a.kind === 'retry') return `retry ${a.taskRun.taskId} at ${a.at.toISOString()}`;
  if (a.kind === 'end') return `end ${a.taskRun.taskId} ${a.state}`;
  if (a.kind === 'wait') return `wait ${a.taskRun.taskId}${a.at === undefined ? '' : ` until ${a.at.toISOString()}`}`;
  return `execution ${a.state}`;
});

describe('decide: a flat list of tasks', () => {
  const tasks = [task('a'), task('b'), task('c')];
  it('starts the first task of a new execution', () => expect(show(next({ tasks }))).toEqual(['start a']));
  it('waits while a task runs in this process', () => expect(show(next({ tasks, runs: [run('a', 'RUNNING', { id: 'ra' })], running: ['ra'] }))).toEqual([]));
  it('resumes a task stored RUNNING that runs nowhere (its worker died)', () => expect(show(next({ tasks, runs: [run('a', 'RUNNING')] }))).toEqual(['resume a']));
  it('starts the next task once one ended', () => expect(show(next({ tasks, runs: [run('a', 'SUCCESS')] }))).toEqual(['start b']));
  it('goes on after a WARNING and a SKIPPED task', () => expect(show(next({ tasks, runs: [run('a', 'WARNING'), run('b', 'SKIPPED')] }))).toEqual(['start c']));
  it('ends the execution in the worst state once all ended', () => {
    expect(show(next({ tasks, runs: [run('a', 'SUCCESS'), run('b', 'WARNING'), run('c', 'SUCCESS')] }))).toEqual(['execution WARNING']);
    expect(show(next({ tasks, runs: [run('a', 'SUCCESS'), run('b', 'SKIPPED'), run('c', 'SUCCESS')] }))).toEqual(['execution SUCCESS']);
  });
  it('stops at a failure: the rest never starts', () => expect(show(next({ tasks, runs: [run('a', 'FAILED')] }))).toEqual(['execution FAILED']));
  it('stops at a KILLED task and ends KILLED', () => expect(show(next({ tasks, runs: [run('a', 'KILLED')] }))).toEqual(['execution KILLED']));
  it('passes over disabled tasks', () => {
    expect(show(next({ tasks: [task('a', { disabled: true }), task('b')] }))).toEqual(['start b']);
    expect(show(next({ tasks: [task('a', { disabled: true })] }))).toEqual(['execution SUCCESS']);
  });
});

describe('decide: errors and finally', () => {
  const tasks = [task('a'), task('b')];
  const errors = [task('e1'), task('e2')];
  const closing = [task('f1')];
  it('runs nothing of errors or finally while the tasks go well', () => expect(show(next({ tasks, errors, finally: closing, runs: [run('a', 'SUCCESS')] }))).toEqual(['start b']));
  it('runs errors in order after a failure, then ends FAILED', () => {
    expect(show(next({ tasks, errors, runs: [run('a', 'FAILED')] }))).toEqual(['start e1']);
    expect(show(next({ tasks, errors, runs: [run('a', 'FAILED'), run('e1', 'SUCCESS')] }))).toEqual(['start e2']);
    expect(show(next({ tasks, errors, runs: [run('a', 'FAILED'), run('e1', 'SUCCESS'), run('e2', 'SUCCESS')] }))).toEqual(['execution FAILED']);
  });
  it('stops the errors at their own failure, and the state stays that of the tasks', () => {
    expect(show(next({ tasks, errors, runs: [run('a', 'FAILED'), run('e1', 'FAILED')] }))).toEqual(['execution FAILED']);
  });
  it('runs finally after success, and a failure in finally does not change the state', () => {
    expect(show(next({ tasks, finally: closing, runs: [run('a', 'SUCCESS'), run('b', 'SUCCESS')] }))).toEqual(['start f1']);
    expect(show(next({ tasks, finally: closing, runs: [run('a', 'SUCCESS'), run('b', 'SUCCESS'), run('f1', 'FAILED')] }))).toEqual(['execution SUCCESS']);
  });
  it('runs finally after errors', () => {
    const runs = [run('a', 'FAILED'), run('e1', 'SUCCESS'), run('e2', 'SUCCESS')];
    expect(show(next({ tasks, errors, finally: closing, runs }))).toEqual(['start f1']);
    expect(show(next({ tasks, errors, finally: closing, runs: [...runs, run('f1', 'SUCCESS')] }))).toEqual(['execution FAILED']);
  });
  it('does not run errors for an allowed failure (WARNING)', () => {
    expect(show(next({ tasks, errors, runs: [run('a', 'WARNING'), run('b', 'SUCCESS')] }))).toEqual(['execution WARNING']);
  });
});

describe('decide: a flowable task run and its plan', () => {
  const a = task('a');
  const b = task('b');
  const seqTask = task('s');
  const tasks = [seqTask, task('z')];
  it('starts a flowable like any task; its plan comes when it starts', () => expect(show(next({ tasks, others: [a, b] }))).toEqual(['start s']));
  it('starts its first child under it', () => {
    const s = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['a', 'b'] }]) });
    expect(show(next({ tasks, others: [a, b], runs: [s] }))).toEqual(['start a<S']);
  });
  it('gives children the value of their flowable when their branch has none (a Sequential in a ForEach)', () => {
    const each = run('each', 'RUNNING', { id: 'E', plan: plan([{ value: 'v', taskIds: ['s'] }]) });
    const s = run('s', 'RUNNING', { id: 'S', parentTaskRunId: 'E', value: 'v', plan: plan([{ taskIds: ['a', 'b'] }]) });
    expect(show(next({ tasks: [task('each')], others: [seqTask, a, b], runs: [each, s] }))).toEqual(['start a@v<S']);
  });
  it('ends the flowable once its children ended, then the flow goes on', () => {
    const s = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['a', 'b'] }]) });
    const children = [run('a', 'SUCCESS', { parentTaskRunId: 'S' }), run('b', 'WARNING', { parentTaskRunId: 'S' })];
    expect(show(next({ tasks, others: [a, b], runs: [s, ...children] }))).toEqual(['end s WARNING']);
    const ended = { ...s, state: { current: 'WARNING' as const, histories: s.state.histories } };
    expect(show(next({ tasks, others: [a, b], runs: [ended, ...children] }))).toEqual(['start z']);
  });
  it('ends an empty plan (an If without else, a ForEach over nothing) in SUCCESS', () => {
    const s = run('s', 'RUNNING', { id: 'S', plan: plan([]) });
    expect(show(next({ tasks, runs: [s] }))).toEqual(['end s SUCCESS']);
  });
  it('fails the flowable when a child fails, and the flow stops', () => {
    const s = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['a', 'b'] }]) });
    expect(show(next({ tasks, others: [a, b], runs: [s, run('a', 'FAILED', { parentTaskRunId: 'S' })] }))).toEqual(['end s FAILED']);
    const failed = { ...s, state: { current: 'FAILED' as const, histories: s.state.histories } };
    expect(show(next({ tasks, others: [a, b], runs: [failed, run('a', 'FAILED', { parentTaskRunId: 'S' })] }))).toEqual(['execution FAILED']);
  });
  it('ends WARNING when the plan allows failure (AllowFailure), or the flowable has allowFailure', () => {
    const s = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['a'] }], 1, true) });
    expect(show(next({ tasks, others: [a], runs: [s, run('a', 'FAILED', { parentTaskRunId: 'S' })] }))).toEqual(['end s WARNING']);
    const lenient = [task('s', { allowFailure: true }), task('z')];
    const t = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['a'] }]) });
    expect(show(next({ tasks: lenient, others: [a], runs: [t, run('a', 'FAILED', { parentTaskRunId: 'S' })] }))).toEqual(['end s WARNING']);
  });
  it('runs the flowable\'s own errors, then fails it, and the flow\'s errors run after', () => {
    const withErrors = [task('s', { errors: [task('local')] })];
    const s = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['a'] }]) });
    const failedChild = run('a', 'FAILED', { parentTaskRunId: 'S' });
    const flowErrors = [task('global')];
    expect(show(next({ tasks: withErrors, errors: flowErrors, others: [a], runs: [s, failedChild] }))).toEqual(['start local<S']);
    const local = run('local', 'SUCCESS', { parentTaskRunId: 'S' });
    expect(show(next({ tasks: withErrors, errors: flowErrors, others: [a], runs: [s, failedChild, local] }))).toEqual(['end s FAILED']);
    const ended = { ...s, state: { current: 'FAILED' as const, histories: s.state.histories } };
    expect(show(next({ tasks: withErrors, errors: flowErrors, others: [a], runs: [ended, failedChild, local] }))).toEqual(['start global']);
  });
  it('runs the flowable\'s own finally after its children', () => {
    const withFinally = [task('s', { finally: [task('fin')] })];
    const s = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['a'] }]) });
    expect(show(next({ tasks: withFinally, others: [a], runs: [s, run('a', 'SUCCESS', { parentTaskRunId: 'S' })] }))).toEqual(['start fin<S']);
  });
  it('decides inside nested flowables', () => {
    const outer = run('s', 'RUNNING', { id: 'S', plan: plan([{ taskIds: ['inner'] }]) });
    const inner = run('inner', 'RUNNING', { id: 'I', parentTaskRunId: 'S', plan: plan([{ taskIds: ['a', 'b'] }]) });
    const done = run('a', 'SUCCESS', { parentTaskRunId: 'I' });
    expect(show(next({ tasks, others: [task('inner'), a, b], runs: [outer, inner, done] }))).toEqual(['start b<I']);
  });
});

describe('decide: branches at once (Parallel, ForEach)', () => {
  const a = task('a');
  const b = task('b');
  const c = task('c');
  const tasks = [task('p')];
  const parallel = (concurrency: number) => run('p', 'RUNNING', { id: 'P', plan: plan([{ taskIds: ['a'] }, { taskIds: ['b'] }, { taskIds: ['c'] }], concurrency) });
  it('starts every branch at once with concurrency 0', () => {
    expect(show(next({ tasks, others: [a, b, c], runs: [parallel(0)] }))).toEqual(['start a<P', 'start b<P', 'start c<P']);
  });
  it('starts at most `concurrency` branches, and the next as one ends', () => {
    expect(show(next({ tasks, others: [a, b, c], runs: [parallel(2)] }))).toEqual(['start a<P', 'start b<P']);
    const running = [run('a', 'RUNNING', { id: 'A', parentTaskRunId: 'P' }), run('b', 'SUCCESS', { parentTaskRunId: 'P' })];
    expect(show(next({ tasks, others: [a, b, c], runs: [parallel(2), ...running], running: ['A'] }))).toEqual(['start c<P']);
  });
  it('starts nothing new after a failure, waits for the running branch, then ends FAILED', () => {
    const runs = [parallel(0), run('a', 'FAILED', { parentTaskRunId: 'P' }), run('b', 'RUNNING', { id: 'B', parentTaskRunId: 'P' })];
    expect(show(next({ tasks, others: [a, b, c], runs, running: ['B'] }))).toEqual([]);
    const after = [parallel(0), run('a', 'FAILED', { parentTaskRunId: 'P' }), run('b', 'SUCCESS', { parentTaskRunId: 'P' })];
    expect(show(next({ tasks, others: [a, b, c], runs: after }))).toEqual(['end p FAILED']);
  });
  it('runs a ForEach value\'s tasks in order, values side by side, each slot keyed by its value', () => {
    const each = run('p', 'RUNNING', { id: 'P', plan: plan([{ value: '1', taskIds: ['a', 'b'] }, { value: '2', taskIds: ['a', 'b'] }], 0) });
    expect(show(next({ tasks, others: [a, b], runs: [each] }))).toEqual(['start a@1<P', 'start a@2<P']);
    const firstDone = [each, run('a', 'SUCCESS', { parentTaskRunId: 'P', value: '1' }), run('a', 'RUNNING', { id: 'A2', parentTaskRunId: 'P', value: '2' })];
    expect(show(next({ tasks, others: [a, b], runs: firstDone, running: ['A2'] }))).toEqual(['start b@1<P']);
  });
  it('reads one plan object the same under any run and flow that holds it (the level built from a plan is kept across steps)', () => {
    const shared = plan([{ value: 'x', taskIds: ['a'] }, { value: 'y', taskIds: ['b'] }], 0);
    const index = new Map([['p', tasks[0] as FlowTask], ['a', a], ['b', b]]);
    const decideOver = (runs: readonly TaskRun[], taskIndex = index) => show(decide({ flow: { tasks }, tasks: taskIndex, runs: runIndex(runs), running: new Set() }));
    expect(decideOver([run('p', 'RUNNING', { id: 'P', plan: shared })])).toEqual(['start a@x<P', 'start b@y<P']);
    // The same plan under another run: its children go under that run, not the first.
    const second = run('p', 'RUNNING', { id: 'Q', plan: shared });
    expect(decideOver([second])).toEqual(['start a@x<Q', 'start b@y<Q']);
    // A plan whose branches have no value, under runs of an outer iteration: the children take
    // the value of the run that holds the plan, whichever that is.
    const outer = task('o');
    const inner = plan([{ taskIds: ['a'] }]);
    const withOuter = new Map([...index, ['o', outer]]);
    const inOuter = (value: string) => show(decide({
      flow: { tasks: [outer] }, tasks: withOuter, running: new Set(),
      runs: runIndex([run('o', 'RUNNING', { id: 'O', plan: plan([{ value, taskIds: ['p'] }]) }), run('p', 'RUNNING', { id: 'Q', parentTaskRunId: 'O', value, plan: inner })]),
    }));
    expect(inOuter('v1')).toEqual(['start a@v1<Q']);
    expect(inOuter('v2')).toEqual(['start a@v2<Q']);
    // Another flow whose `b` is disabled: its own task index is read, not the first flow's.
    expect(decideOver([second], new Map([...index, ['b', task('b', { disabled: true })]]))).toEqual(['start a@x<Q']);
  });
  it('never starts a finished iteration again: a slot with a run is filled', () => {
    const each = run('p', 'RUNNING', { id: 'P', plan: plan([{ value: 'x', taskIds: ['a'] }, { value: 'y', taskIds: ['a'] }], 1) });
    const runs = [each, run('a', 'SUCCESS', { parentTaskRunId: 'P', value: 'x' })];
    expect(show(next({ tasks, others: [a], runs }))).toEqual(['start a@y<P']);
  });
  it('starts a branch only once the tasks it waits for ended (a Dag), others at once', () => {
    const dag = run('p', 'RUNNING', { id: 'P', plan: { branches: [{ taskIds: ['c'], after: ['a', 'b'] }, { taskIds: ['a'] }, { taskIds: ['b'] }], concurrency: 0, allowFailure: false } });
    expect(show(next({ tasks, others: [a, b, c], runs: [dag] }))).toEqual(['start a<P', 'start b<P']);
    const oneDone = [dag, run('a', 'SUCCESS', { parentTaskRunId: 'P' }), run('b', 'RUNNING', { id: 'B', parentTaskRunId: 'P' })];
    expect(show(next({ tasks, others: [a, b, c], runs: oneDone, running: ['B'] }))).toEqual([]);
    const bothDone = [dag, run('a', 'SUCCESS', { parentTaskRunId: 'P' }), run('b', 'SUCCESS', { parentTaskRunId: 'P' })];
    expect(show(next({ tasks, others: [a, b, c], runs: bothDone }))).toEqual(['start c<P']);
  });

  it('counts a branch between two of its tasks as running, within the limit', () => {
    const each = run('p', 'RUNNING', { id: 'P', plan: plan([{ value: '1', taskIds: ['a', 'b'] }, { value: '2', taskIds: ['a', 'b'] }], 1) });
    const runs = [each, run('a', 'SUCCESS', { parentTaskRunId: 'P', value: '1' })];
    expect(show(next({ tasks, others: [a, b], runs }))).toEqual(['start b@1<P']);
  });
});

describe('decide: a task waiting for a retry', () => {
  const at = '2024-01-01T00:00:05.000Z';
  const retrying = (taskId: string, more: Partial<TaskRun> = {}) => run(taskId, 'RETRYING', { retryAt: at, ...more });
  it('says when its next attempt starts, and starts nothing after it', () => {
    expect(show(next({ tasks: [task('a'), task('b')], runs: [retrying('a')] }))).toEqual([`retry a at ${at}`]);
  });
  it('holds the errors back: the failure is not final while a retry is left', () => {
    expect(show(next({ tasks: [task('a')], errors: [task('e')], runs: [retrying('a')] }))).toEqual([`retry a at ${at}`]);
  });
  it('holds its flowable open, while a sibling branch goes on', () => {
    const p = task('p');
    const runs = [run('p', 'RUNNING', { id: 'rp', plan: plan([{ taskIds: ['x'] }, { taskIds: ['y'] }], 0) }), retrying('x', { parentTaskRunId: 'rp' }), run('y', 'SUCCESS', { parentTaskRunId: 'rp' })];
    expect(show(next({ tasks: [p], others: [task('x'), task('y')], runs }))).toEqual([`retry x at ${at}`]);
  });
  it('retries each iteration of a loop on its own', () => {
    const runs = [
      run('each', 'RUNNING', { id: 're', plan: plan([{ value: '1', taskIds: ['c'] }, { value: '2', taskIds: ['c'] }], 0) }),
      retrying('c', { parentTaskRunId: 're', value: '1' }),
      run('c', 'RUNNING', { id: 'rc2', parentTaskRunId: 're', value: '2' }),
    ];
    expect(show(next({ tasks: [task('each')], others: [task('c')], runs, running: ['rc2'] }))).toEqual([`retry c at ${at}`]);
  });
});
