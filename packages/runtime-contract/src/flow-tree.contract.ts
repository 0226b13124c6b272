import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The first-party plugins by relative path, as their own tests import each other: a dependency
// in package.json would make a cycle (the plugins' tests use plugin-testing, which uses the
// memory runtime, whose tests use this suite).
import flowPlugin from '../../../plugins/core-flow/src/index.js';
import logPlugin from '../../../plugins/core-log/src/index.js';
import outputsPlugin from '../../../plugins/core-outputs/src/index.js';
import { createExecution, createExecutor, createRegistry, mapSecrets, parseFlow, type Execution, type LogEntry, type PluginRegistry, type TaskRun } from '@sluice/engine';
import { uniqueTenant } from './builders.js';
import { deferred, type ContractContext } from './harness.js';

// The first-party flowable tasks with the tasks the conformance flows use, as the server loads them.
const registry: PluginRegistry = createRegistry(
  [flowPlugin, logPlugin, outputsPlugin].map((pkg, i) => ({ pkg, info: { name: `conformance-${i}`, version: '0.0.0', path: '/', types: [] } })),
);

const flowSource = (name: string) => readFileSync(new URL(`../flows/${name}.yaml`, import.meta.url), 'utf8');

interface Ran {
  readonly execution: Execution;
  readonly logs: readonly LogEntry[];
  /** INFO and WARN messages, in the order stored, without the executor's lines about retries. */
  readonly messages: readonly string[];
  /** State of each task run by task id (and `@value` for an iteration). */
  readonly states: Readonly<Record<string, string>>;
}

/** Saves a conformance flow, submits an execution, runs it through the queue, and waits for its end. */
async function run(ctx: ContractContext, name: string, inputs: Record<string, unknown> = {}): Promise<Ran> {
  const source = flowSource(name);
  const parsed = parseFlow(source, registry, { tenantId: uniqueTenant() });
  if (!parsed.ok) throw new Error(`${name}: ${parsed.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}`);
  const { runtime } = ctx;
  const flow = await runtime.flows.save({ ...parsed.flow, source });
  const execution = createExecution({ flow, inputs });
  const ended = deferred();
  const unsubscribe = await runtime.events.subscribe(execution.id, (event) => event.terminated && ended.resolve());
  const executor = createExecutor({ runtime, registry, secrets: mapSecrets({}) });
  ctx.consume(runtime, async (id, signal, queued) => {
    await executor.run(id, signal, queued);
  });
  await runtime.submit(execution);
  let timer: NodeJS.Timeout | undefined;
  // Bounded: a tree that never ends fails the test instead of hanging it.
  await Promise.race([ended.promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${name} did not end`)), ctx.options.deliveryTimeoutMs * 4)))]);
  clearTimeout(timer);
  await unsubscribe();
  const stored = (await runtime.executions.get(execution.id)) as Execution;
  const logs = await runtime.logs.list(execution.id);
  return {
    execution: stored,
    logs,
    messages: logs.filter((l) => (l.level === 'INFO' || l.level === 'WARN') && !/^attempt \d+ of task '.*' failed; the next attempt starts at /.test(l.message)).map((l) => l.message),
    states: Object.fromEntries(stored.taskRunList.map((r) => [`${r.taskId}${r.value === undefined ? '' : `@${r.value}`}`, r.state.current])),
  };
}

const parentOf = (execution: Execution, taskId: string) => {
  const run = execution.taskRunList.find((r) => r.taskId === taskId);
  return execution.taskRunList.find((r) => r.id === run?.parentTaskRunId)?.taskId;
};

/** The executor's tree on this runtime: flowable tasks, errors, finally, allowFailure, bad values. */
export function describeFlowTree(ctx: ContractContext): void {
  describe('flow tree (conformance flows run through the queue)', () => {
    it('runs nested Sequentials in order, every task once, each under its parent', async () => {
      const { execution, messages, states } = await run(ctx, 'sequential-nested');
      expect(execution.state.current).toBe('SUCCESS');
      expect(messages).toEqual(['m1 after o1', 'i1', 'm2', 'o2', 'end']);
      expect(Object.keys(states)).toHaveLength(9);
      expect(Object.values(states).every((s) => s === 'SUCCESS')).toBe(true);
      expect(['o1', 'middle', 'm1', 'inner', 'i1', 'end'].map((id) => parentOf(execution, id))).toEqual(['outer', 'outer', 'middle', 'middle', 'inner', undefined]);
    });

    it('runs a Parallel\'s branches, and the next task after all of them', async () => {
      const { execution, messages } = await run(ctx, 'parallel');
      expect(execution.state.current).toBe('SUCCESS');
      expect([...messages.slice(0, 6)].sort()).toEqual(['p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
      expect(messages[6]).toBe('after SUCCESS');
      expect(execution.taskRunList).toHaveLength(8);
    });

    it('takes If and Switch branches from the inputs, defaults when no case matches', async () => {
      const yes = await run(ctx, 'if-switch', { flag: true, kind: 'SECOND' });
      expect(yes.logs.filter((l) => l.level === 'ERROR')).toEqual([]);
      expect(yes.execution.state.current).toBe('SUCCESS');
      expect([...yes.messages].sort()).toEqual(['case SECOND', 'case SECOND again', 'only', 'then']);
      expect(yes.execution.taskRunList.find((r) => r.taskId === 'if_else')?.outputs).toEqual({ evaluationResult: true });
      const no = await run(ctx, 'if-switch', { flag: false, kind: 'OTHER' });
      expect(no.execution.state.current).toBe('SUCCESS');
      expect([...no.messages].sort()).toEqual(['defaults for OTHER', 'else']);
      expect(no.states).toMatchObject({ if_only: 'SUCCESS', route: 'SUCCESS' });
      expect(no.states.only_log).toBeUndefined();
    });

    it('iterates nested ForEach loops: values on task runs, parents, outputs by value', async () => {
      const { execution, messages, states } = await run(ctx, 'for-each-nested');
      expect(execution.state.current).toBe('SUCCESS');
      expect(messages).toEqual(['A b1 b2']);
      expect(states).toMatchObject({ 'by_letter@a': 'SUCCESS', 'by_letter@b': 'SUCCESS', 'letter_a@a': 'SUCCESS', 'pair@1': 'SUCCESS', 'pair@2': 'SUCCESS' });
      expect(execution.taskRunList).toHaveLength(8);
    });

    it('runs errors and finally, the flowable\'s then the flow\'s, and ends FAILED', async () => {
      const { execution, messages, states } = await run(ctx, 'errors-finally');
      expect(execution.state.current).toBe('FAILED');
      expect(messages).toEqual(['first', 'local error handler', 'local finally', 'global error handler', 'global finally']);
      expect(states).toMatchObject({ broken: 'FAILED', group: 'FAILED' });
      expect(states.never).toBeUndefined();
      expect(states.after_group).toBeUndefined();
    });

    it('ends in WARNING through AllowFailure and allowFailure, without running the flow\'s errors', async () => {
      const { execution, messages, states } = await run(ctx, 'allow-failure');
      expect(execution.state.current).toBe('WARNING');
      expect(messages).toEqual(['handled inside', 'goes on']);
      expect(states).toMatchObject({ tolerant: 'WARNING', fails: 'FAILED', also_fails: 'WARNING', goes_on: 'SUCCESS' });
      expect(states.not_run).toBeUndefined();
    });

    it('fails a ForEach over a non-list and a Switch with no match, each naming the cause, and ends', async () => {
      const { execution, logs, states } = await run(ctx, 'bad-values');
      expect(execution.state.current).toBe('FAILED');
      expect(states).toMatchObject({ each: 'FAILED', route: 'FAILED', branches: 'FAILED' });
      const errors = logs.filter((l) => l.level === 'ERROR').map((l) => `${l.taskId}: ${l.message}`).sort();
      expect(errors).toEqual([
        'each: values must be a list, or a JSON string of a list; got a value of type number',
        "route: value 'zzz' matches no case ('a') and there are no defaults",
      ]);
    });

    it('retries a failing task after its interval: one task run, three attempts, then the next task', async () => {
      const { execution, messages, states } = await run(ctx, 'retry');
      expect(execution.state.current).toBe('SUCCESS');
      expect(states).toEqual({ flaky: 'SUCCESS', after: 'SUCCESS' });
      const flaky = execution.taskRunList.find((r) => r.taskId === 'flaky') as TaskRun;
      expect(flaky.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED', 'SUCCESS']);
      expect(flaky.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'FAILED', 'RETRYING', 'RUNNING', 'FAILED', 'RETRYING', 'RUNNING', 'SUCCESS']);
      expect(gaps(flaky).every((gap) => gap >= 300)).toBe(true);
      expect(messages).toEqual(['ok', 'after']);
    });

    it('ends a task whose retries ran out FAILED (WARNING under allowFailure); errors run once, after the last attempt', async () => {
      const { execution, logs, states } = await run(ctx, 'retry-spent');
      expect(execution.state.current).toBe('FAILED');
      expect(states).toEqual({ allowed: 'WARNING', failing: 'FAILED', handler: 'SUCCESS' });
      const attempts = (taskId: string) => execution.taskRunList.find((r) => r.taskId === taskId)?.attempts.map((a) => a.state.current);
      expect(attempts('allowed')).toEqual(['FAILED', 'FAILED']);
      expect(attempts('failing')).toEqual(['FAILED', 'FAILED', 'FAILED']);
      const failing = execution.taskRunList.find((r) => r.taskId === 'failing') as TaskRun;
      const handler = execution.taskRunList.find((r) => r.taskId === 'handler') as TaskRun;
      expect(Date.parse(handler.state.histories[0]!.date)).toBeGreaterThanOrEqual(Date.parse(failing.attempts[2]!.state.histories.at(-1)!.date));
      expect(logs.filter((l) => l.taskId === 'failing' && l.level === 'ERROR')).toHaveLength(3);
    });

    it('retries inside a ForEach (its own retry applies to its children, per value) and a Parallel', async () => {
      const { execution, messages, states } = await run(ctx, 'retry-flowables');
      expect(execution.state.current).toBe('SUCCESS');
      expect(states).toMatchObject({ 'child@a': 'SUCCESS', 'child@b': 'SUCCESS', steady: 'SUCCESS', wobbly: 'SUCCESS' });
      for (const child of execution.taskRunList.filter((r) => r.taskId === 'child')) {
        expect(child.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'SUCCESS']);
        expect(gaps(child)[0]).toBeGreaterThanOrEqual(200);
      }
      const wobbly = execution.taskRunList.find((r) => r.taskId === 'wobbly') as TaskRun;
      expect(wobbly.attempts).toHaveLength(3);
      // Exponential, as Kestra counts it: the first retry at once, the second after 2 × interval.
      expect(gaps(wobbly)[1]).toBeGreaterThanOrEqual(400);
      expect([...messages].sort()).toEqual(['child a', 'child b', 'steady', 'wobbly']);
    });
  });
}

/** The time from the end of each attempt to the start of the next, in ms. */
function gaps(taskRun: TaskRun): number[] {
  const dates = taskRun.attempts.map((a) => ({ start: Date.parse(a.state.histories[0]!.date), end: Date.parse(a.state.histories.at(-1)!.date) }));
  return dates.slice(1).map((d, i) => d.start - dates[i]!.end);
}
