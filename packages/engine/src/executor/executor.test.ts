import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask, definePluginPackage, isSluiceError, type LogLevel } from '@sluice/core';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { createExecution } from '../execution/index.js';
import type { FlowRevision, FlowTask } from '../flow/flow.types.js';
import type { Execution } from '../model/execution.js';
import { withState } from '../model/state.js';
import { createRegistry } from '../plugins/index.js';
import { mapSecrets } from '../secrets/index.js';
import { createExecutor } from './index.js';

// ---- inline plugins -------------------------------------------------------------------------

const LEVEL = Type.Union(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].map((l) => Type.Literal(l)), { description: 'Level.', default: 'INFO' });
const log = defineTask({
  type: 'io.kestra.plugin.core.log.Log',
  title: 'Log',
  description: 'Logs a message.',
  props: Type.Object({
    message: Dynamic(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'What to log.' })),
    level: Type.Optional(Dynamic(LEVEL)),
  }, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'Log', flow: 'id: x' }],
  run(ctx, props) {
    for (const line of Array.isArray(props.message) ? props.message : [props.message]) ctx.logger.log((props.level ?? 'INFO') as LogLevel, line);
    return {};
  },
});

const fail = defineTask({
  type: 'test.Fail',
  title: 'Fail',
  description: 'Throws.',
  props: Type.Object({ message: Dynamic(Type.String({ description: 'The error.' })) }, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'Fail', flow: 'id: x' }],
  run(_ctx, props) {
    throw new Error(props.message);
  },
});

const hang = defineTask({
  type: 'test.Hang',
  title: 'Hang',
  description: 'Waits until aborted, or forever when stubborn.',
  props: Type.Object({ stubborn: Type.Optional(Type.Boolean({ description: 'Ignore the signal.' })) }, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'Hang', flow: 'id: x' }],
  run(ctx, props) {
    hangs.push(ctx.signal);
    return new Promise((_, reject) => {
      if (!props.stubborn) ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
    });
  },
});
const hangs: AbortSignal[] = [];

const calls = new Map<string, number>();
const value = defineTask({
  type: 'test.Value',
  title: 'Value',
  description: 'Returns a value, counting its runs per task id.',
  props: Type.Object({ value: Dynamic(Type.String({ description: 'The value.' })) }, { additionalProperties: false }),
  output: Type.Object({ value: Type.String({ description: 'The value.' }) }),
  examples: [{ title: 'Value', flow: 'id: x' }],
  run(ctx, props) {
    const key = `${ctx.ids.executionId}/${ctx.ids.taskId}`;
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return { value: props.value };
  },
});

const secretive = defineTask({
  type: 'test.Secretive',
  title: 'Secretive',
  description: 'Logs a secret and renders with the context.',
  props: Type.Object({}, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'Secret', flow: 'id: x' }],
  run(ctx) {
    ctx.logger.info(`token is ${ctx.secret('TOKEN')}`);
    ctx.logger.info(ctx.render('{{ flow.id }}/{{ task.id }}/{{ who }}', { who: 'me' }));
    ctx.logger.info(String(ctx.test('{{ inputs.flag }}')));
    return {};
  },
});

const badOutput = defineTask({
  type: 'test.BadOutput',
  title: 'Bad output',
  description: 'Returns what its schema refuses.',
  props: Type.Object({}, { additionalProperties: false }),
  output: Type.Object({ n: Type.Number({ description: 'A number.' }) }),
  examples: [{ title: 'Bad', flow: 'id: x' }],
  run: () => ({ n: 'not a number' }) as never,
});

const registry = createRegistry([{
  pkg: definePluginPackage({ tasks: [log, fail, hang, value, secretive, badOutput] }),
  info: { name: 'test-tasks', version: '0.0.0', path: '/dev/null', types: [] },
}]);

// ---- helpers --------------------------------------------------------------------------------

const task = (id: string, type: string, props: Record<string, unknown> = {}, more: Partial<FlowTask> = {}): FlowTask =>
  ({ id, type, disabled: false, allowFailure: false, allowWarning: false, props, ...more });

function makeFlow(tasks: FlowTask[], overrides: Partial<FlowRevision> = {}): Omit<FlowRevision, 'revision' | 'updated' | 'deleted'> {
  return {
    tenantId: 'main', id: 'flow', namespace: 'company.team', labels: [], inputs: [], variables: {}, outputs: [],
    tasks, triggers: [], disabled: false, extra: {}, source: JSON.stringify(tasks), ...overrides,
  };
}

async function setup(tasks: FlowTask[], overrides: Partial<FlowRevision> = {}, inputs: Record<string, unknown> = {}) {
  const runtime = createMemoryRuntime();
  const flow = await runtime.flows.save(makeFlow(tasks, overrides));
  const execution = createExecution({ flow, inputs });
  await runtime.executions.create(execution);
  const executor = createExecutor({ runtime, registry, secrets: mapSecrets({ TOKEN: 'tok-12345' }) });
  const events: string[] = [];
  await runtime.events.subscribe(execution.id, (e) => events.push(`${e.state}${e.terminated ? '!' : ''}`));
  return { runtime, flow, execution, executor, events, run: () => executor.run(execution.id, new AbortController().signal) };
}

const states = (execution: Execution) => execution.state.histories.map((h) => h.state);
const runOf = (execution: Execution, taskId: string) => execution.taskRunList.find((r) => r.taskId === taskId);

// ---- tests ----------------------------------------------------------------------------------

describe('executor: running tasks', () => {
  it('runs tasks in order, passing outputs between them, and ends SUCCESS', async () => {
    const { run, runtime, events } = await setup([
      task('a', value.type, { value: 'from a' }),
      task('b', log.type, { message: ['got {{ outputs.a.value }}', '{{ task.id }} in {{ flow.namespace }}'], level: 'WARN' }),
    ]);
    const execution = await run();
    expect(states(execution)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
    expect(runOf(execution, 'a')).toMatchObject({ outputs: { value: 'from a' }, state: { current: 'SUCCESS' }, attempts: [{ state: { current: 'SUCCESS' } }] });
    expect(runOf(execution, 'a')?.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
    const logs = await runtime.logs.list(execution.id);
    expect(logs.map((l) => [l.level, l.message])).toEqual([['WARN', 'got from a'], ['WARN', 'b in company.team']]);
    expect(logs[0]).toMatchObject({ taskId: 'b', taskRunId: runOf(execution, 'b')?.id, attemptNumber: 1, flowId: 'flow' });
    expect(events).toEqual(['RUNNING', 'SUCCESS!']);
    expect(await runtime.executions.get(execution.id)).toEqual(execution);
  });

  it('fails the execution when a task throws, logs the error, and skips the rest', async () => {
    const { run, runtime, events } = await setup([task('boom', fail.type, { message: 'it broke' }), task('after', value.type, { value: 'x' })]);
    const execution = await run();
    expect(execution.state.current).toBe('FAILED');
    expect(runOf(execution, 'boom')?.state.current).toBe('FAILED');
    expect(runOf(execution, 'after')).toBeUndefined();
    expect((await runtime.logs.list(execution.id)).map((l) => [l.level, l.taskId, l.message])).toEqual([['ERROR', 'boom', 'it broke']]);
    expect(events).toEqual(['RUNNING', 'FAILED!']);
  });

  it('ends WARNING with allowFailure, and the next task still runs', async () => {
    const { run } = await setup([task('boom', fail.type, { message: 'meh' }, { allowFailure: true }), task('after', value.type, { value: 'x' })]);
    const execution = await run();
    expect(runOf(execution, 'boom')?.state.current).toBe('WARNING');
    expect(runOf(execution, 'after')?.state.current).toBe('SUCCESS');
    expect(execution.state.current).toBe('WARNING');
  });

  it('ends SUCCESS with allowFailure and allowWarning, as Kestra does', async () => {
    const { run } = await setup([task('boom', fail.type, { message: 'meh' }, { allowFailure: true, allowWarning: true })]);
    expect((await run()).state.current).toBe('SUCCESS');
  });

  it('aborts a hanging task at its timeout and fails it with TASK_TIMEOUT', async () => {
    const { run, runtime } = await setup([task('slow', hang.type, {}, { timeout: 'PT0.1S' })]);
    const started = Date.now();
    const execution = await run();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(execution.state.current).toBe('FAILED');
    expect(hangs.at(-1)?.aborted).toBe(true);
    expect((await runtime.logs.list(execution.id))[0]?.message).toBe("task 'slow' timed out after PT0.1S");
  });

  it('does not wait for a task that ignores its signal past the timeout', async () => {
    const { run } = await setup([task('stubborn', hang.type, { stubborn: true }, { timeout: 'PT0.1S' })]);
    expect((await run()).state.current).toBe('FAILED');
  });

  it('announces RUNNING before the end even when nothing runs (every task disabled)', async () => {
    const { run, events } = await setup([task('off', fail.type, { message: 'x' }, { disabled: true })]);
    const ended = await run();
    expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
    expect(events).toEqual(['RUNNING', 'SUCCESS!']);
  });

  it('skips disabled tasks without a task run', async () => {
    const { run } = await setup([task('off', fail.type, { message: 'x' }, { disabled: true }), task('on', value.type, { value: 'y' })]);
    const execution = await run();
    expect(execution.taskRunList.map((r) => r.taskId)).toEqual(['on']);
    expect(execution.state.current).toBe('SUCCESS');
  });

  it('fails a task of an unknown type with TASK_UNKNOWN_TYPE', async () => {
    const { run, runtime } = await setup([task('x', 'com.example.Gone')]);
    const execution = await run();
    expect(execution.state.current).toBe('FAILED');
    expect((await runtime.logs.list(execution.id))[0]?.message).toContain("has type 'com.example.Gone'");
  });

  it('fails a task whose props fail to render, or whose output is invalid, with the reason logged', async () => {
    const rendered = await setup([task('x', log.type, { message: '{{ nope.value }}' })]);
    const a = await rendered.run();
    expect(a.state.current).toBe('FAILED');
    expect((await rendered.runtime.logs.list(a.id))[0]).toMatchObject({ level: 'ERROR', message: expect.stringContaining('nope') });
    const output = await setup([task('y', badOutput.type)]);
    const b = await output.run();
    expect(b.state.current).toBe('FAILED');
    expect((await output.runtime.logs.list(b.id))[0]?.message).toContain("task 'y' returned an invalid output");
  });

  it('gives tasks secrets, render and test, and masks secrets in stored logs', async () => {
    const { run, runtime } = await setup([task('s', secretive.type)], { inputs: [{ id: 'flag', type: 'BOOLEAN', required: false, defaults: true, extra: {} }] });
    const execution = await run();
    expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['token is ******', 'flow/s/me', 'true']);
  });

  it('masks SECRET inputs and secrets rendered into props', async () => {
    const { run, runtime } = await setup(
      [task('a', log.type, { message: "{{ inputs.password }} and {{ secret('TOKEN') }}" })],
      { inputs: [{ id: 'password', type: 'SECRET', required: true, extra: {} }] },
      { password: 'hunter22' },
    );
    const execution = await run();
    expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['****** and ******']);
  });

  it('renders flow outputs on success, typed', async () => {
    const { run } = await setup([task('a', value.type, { value: '41' })], {
      outputs: [{ id: 'answer', type: 'INT', value: '{{ outputs.a.value }}' }, { id: 'raw', type: 'STRING', value: 'x-{{ flow.id }}' }],
    });
    const execution = await run();
    expect(execution.outputs).toEqual({ answer: 41, raw: 'x-flow' });
  });

  it('fails the execution when a flow output fails to render', async () => {
    const { run, runtime } = await setup([task('a', value.type, { value: 'v' })], { outputs: [{ id: 'o', type: 'STRING', value: '{{ outputs.zzz.value }}' }] });
    const execution = await run();
    expect(execution.state.current).toBe('FAILED');
    expect(execution.outputs).toBeUndefined();
    expect((await runtime.logs.list(execution.id))[0]?.message).toContain("the flow outputs are invalid: 'o'");
  });

  it('honours runIf: a falsy task is SKIPPED', async () => {
    const { run } = await setup([task('maybe', fail.type, { message: 'x' }, { runIf: '{{ false }}' }), task('b', value.type, { value: 'v' })]);
    const execution = await run();
    expect(runOf(execution, 'maybe')?.state.current).toBe('SKIPPED');
    expect(execution.state.current).toBe('SUCCESS');
  });

  it('exposes inputs, labels, vars and execution ids to templates', async () => {
    const { run, runtime } = await setup(
      [task('a', log.type, { message: '{{ inputs.name }} {{ vars.greeting }} {{ labels.system.from }} {{ execution.id == labels.system.correlationId }}' })],
      { inputs: [{ id: 'name', type: 'STRING', required: true, extra: {} }], variables: { greeting: 'hello' } },
      { name: 'Ada' },
    );
    const execution = await run();
    expect((await runtime.logs.list(execution.id))[0]?.message).toBe('Ada hello api true');
  });

  it('rejects an unknown execution with EXECUTION_NOT_FOUND', async () => {
    const { executor } = await setup([]);
    await expect(executor.run('nope', new AbortController().signal)).rejects.toMatchObject({ code: 'EXECUTION_NOT_FOUND' });
  });

  it('fails an execution whose flow revision is gone, once', async () => {
    const runtime = createMemoryRuntime();
    const flow = { ...(await runtime.flows.save(makeFlow([]))), revision: 99 };
    const execution = createExecution({ flow });
    await runtime.executions.create(execution);
    const executor = createExecutor({ runtime, registry, secrets: mapSecrets({}) });
    const ended = await executor.run(execution.id, new AbortController().signal);
    expect(ended.state.current).toBe('FAILED');
    expect((await runtime.logs.list(execution.id))[0]?.message).toContain('revision 99 not found');
  });
});

describe('executor: saves', () => {
  it('stores a task\'s log lines with the save of its end, in one step, and appends none on its own', async () => {
    const { runtime, execution } = await setup([task('a', log.type, { message: ['one', 'two'] }), task('b', log.type, { message: 'three' })]);
    const saved: { state: string; logs: string[] }[] = [];
    let appends = 0;
    const executor = createExecutor({
      runtime: {
        ...runtime,
        executions: { ...runtime.executions, save: (e, options) => {
          saved.push({ state: e.state.current, logs: (options?.logs ?? []).map((l) => l.message) });
          return runtime.executions.save(e, options);
        } },
        logs: { ...runtime.logs, append: (entries) => (appends++, runtime.logs.append(entries)) },
      },
      registry, secrets: mapSecrets({}),
    });
    await executor.run(execution.id, new AbortController().signal);
    // Save 1 starts a; save 2 holds a's end and lines and starts b; save 3 holds b's and the end.
    expect(saved).toEqual([{ state: 'RUNNING', logs: [] }, { state: 'RUNNING', logs: ['one', 'two'] }, { state: 'SUCCESS', logs: ['three'] }]);
    expect(appends).toBe(0);
    expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['one', 'two', 'three']);
  });

  it('starts a task only once the save of its start is stored, so every run of a plugin is a recorded attempt', async () => {
    const { runtime, execution } = await setup([task('a', value.type, { value: 'v' })]);
    const held: (() => void)[] = [];
    const executor = createExecutor({
      runtime: { ...runtime, executions: { ...runtime.executions, save: async (e, options) => {
        await runtime.executions.save(e, options);
        await new Promise<void>((release) => held.push(release));
      } } },
      registry, secrets: mapSecrets({}),
    });
    const running = executor.run(execution.id, new AbortController().signal);
    await expect.poll(() => held.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.get(`${execution.id}/a`)).toBeUndefined();
    held[0]!();
    await expect.poll(() => held.length).toBe(2);
    expect(calls.get(`${execution.id}/a`)).toBe(1);
    held[1]!();
    expect((await running).state.current).toBe('SUCCESS');
  });

  it('does not start a task whose start the store refused', async () => {
    const { runtime, execution } = await setup([task('a', value.type, { value: 'v' })]);
    const executor = createExecutor({
      runtime: { ...runtime, executions: { ...runtime.executions, save: async () => {
        throw new Error('refused');
      } } },
      registry, secrets: mapSecrets({}),
    });
    await expect(executor.run(execution.id, new AbortController().signal)).rejects.toThrow('refused');
    expect(calls.get(`${execution.id}/a`)).toBeUndefined();
    expect((await runtime.executions.get(execution.id))?.state.current).toBe('CREATED');
  });
});

describe('executor: starting from the execution the job carried', () => {
  /** The runtime of `setup`, counting reads and recording the `expected` of every save. */
  function counting(runtime: ReturnType<typeof createMemoryRuntime>) {
    const seen = { reads: 0, saves: [] as (Execution | undefined)[] };
    const counted = {
      ...runtime,
      executions: {
        ...runtime.executions,
        get: (id: string) => (seen.reads++, runtime.executions.get(id)),
        save: (e: Execution, options?: Parameters<typeof runtime.executions.save>[1]) => (seen.saves.push(options?.expected), runtime.executions.save(e, options)),
      },
    };
    return { seen, executor: createExecutor({ runtime: counted, registry, secrets: mapSecrets({}) }) };
  }

  it('runs it without reading the store, its first save conditional on the store still holding it', async () => {
    const { runtime, execution, events } = await setup([task('a', value.type, { value: 'v' })]);
    const { seen, executor } = counting(runtime);
    const ended = await executor.run(execution.id, new AbortController().signal, execution);
    expect(ended.state.current).toBe('SUCCESS');
    expect(seen.reads).toBe(0);
    expect(seen.saves).toEqual([execution, undefined]);
    expect(calls.get(`${execution.id}/a`)).toBe(1);
    expect(events).toEqual(['RUNNING', 'SUCCESS!']);
  });

  it('runs nothing when the stored execution was cancelled after the job was queued', async () => {
    const { runtime, execution, events } = await setup([task('a', value.type, { value: 'v' })]);
    await runtime.executions.save({ ...execution, state: withState(execution.state, 'CANCELLED') });
    const { seen, executor } = counting(runtime);
    const ended = await executor.run(execution.id, new AbortController().signal, execution);
    expect(ended.state.current).toBe('CANCELLED');
    expect(seen.reads).toBe(1);
    expect(calls.get(`${execution.id}/a`)).toBeUndefined();
    expect(events).toEqual([]);
    expect(await runtime.logs.list(execution.id)).toEqual([]);
    expect(states((await runtime.executions.get(execution.id)) as Execution)).toEqual(['CREATED', 'CANCELLED']);
  });

  it('runs the stored execution, not a stale copy the job carried under its id', async () => {
    const { runtime, execution } = await setup([task('a', log.type, { message: 'label {{ labels.who }}' })]);
    const stale: Execution = { ...execution, labels: [{ key: 'who', value: 'stale' }] };
    await runtime.executions.save({ ...execution, labels: [{ key: 'who', value: 'stored' }] });
    const { seen, executor } = counting(runtime);
    const ended = await executor.run(execution.id, new AbortController().signal, stale);
    expect(ended.labels).toEqual([{ key: 'who', value: 'stored' }]);
    expect(seen.reads).toBe(1);
    // The conditional save was refused, then the run started again from the store.
    expect(seen.saves.length).toBe(3);
    expect(seen.saves[0]).toBe(stale);
    expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(['label stored']);
  });

  it('still rejects with EXECUTION_NOT_FOUND when the execution is gone from the store', async () => {
    const runtime = createMemoryRuntime();
    const flow = await runtime.flows.save(makeFlow([task('a', value.type, { value: 'v' })]));
    const execution = createExecution({ flow });
    const { executor } = counting(runtime);
    await expect(executor.run(execution.id, new AbortController().signal, execution)).rejects.toMatchObject({ code: 'EXECUTION_NOT_FOUND' });
    expect(calls.get(`${execution.id}/a`)).toBeUndefined();
  });
});

describe('executor: shutdown', () => {
  it('leaves the execution RUNNING when the job signal fires, and a later run finishes it', async () => {
    const { runtime, execution, executor } = await setup([task('a', value.type, { value: 'v' }), task('slow', hang.type), task('c', value.type, { value: 'w' })]);
    const job = new AbortController();
    const running = executor.run(execution.id, job.signal);
    await expect.poll(() => hangs.length > 0 && !hangs.at(-1)?.aborted).toBe(true);
    job.abort(new Error('shutting down'));
    await expect(running).rejects.toThrow('shutting down');
    const stored = await runtime.executions.get(execution.id);
    expect(stored?.state.current).toBe('RUNNING');
    expect(runOf(stored as Execution, 'slow')?.state.current).toBe('RUNNING');
    expect(isSluiceError(hangs.at(-1)?.reason) || hangs.at(-1)?.reason instanceof Error).toBe(true);
  });

  it('stores the end of a task that finished as the job signal fired, and starts nothing after it', async () => {
    // A hundred lines fill the task logger's buffer, so they are stored mid-task, and the end of
    // `a` waits for that append. The signal fires once the append is done, after a's plugin
    // returned: a's end is then staged, not saved, when the executor looks at the signal before
    // `b`. The stop must save it.
    const lines = Array.from({ length: 100 }, () => 'once');
    const { runtime, execution, executor } = await setup([task('a', log.type, { message: lines }), task('b', value.type, { value: 'w' })]);
    const job = new AbortController();
    const aborting = createExecutor({
      runtime: { ...runtime, logs: { ...runtime.logs, append: async (entries) => {
        await runtime.logs.append(entries);
        job.abort(new Error('shutting down'));
      } } },
      registry, secrets: mapSecrets({}),
    });
    await expect(aborting.run(execution.id, job.signal)).rejects.toThrow('shutting down');
    const stored = (await runtime.executions.get(execution.id)) as Execution;
    expect(runOf(stored, 'a')?.state.current).toBe('SUCCESS');
    expect(runOf(stored, 'b')).toBeUndefined();
    const ended = await executor.run(execution.id, new AbortController().signal);
    expect(ended.state.current).toBe('SUCCESS');
    expect((await runtime.logs.list(execution.id)).map((l) => l.message)).toEqual(lines);
    expect(calls.get(`${execution.id}/b`)).toBe(1);
  });
});
