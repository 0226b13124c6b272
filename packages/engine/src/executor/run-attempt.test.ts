import { describe, expect, it } from 'vitest';
import { Dynamic, Type, defineTask, definePluginPackage } from '@sluice/core';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { createExecution } from '../execution/index.js';
import type { FlowRevision, FlowTask } from '../flow/flow.types.js';
import { createKvAccess } from '../kv/kv-access.js';
import type { LogEntry, TaskRun } from '../model/execution.js';
import { createRegistry } from '../plugins/index.js';
import { createSecretReader, mapSecrets } from '../secrets/index.js';
import { isThenable } from './call-plugin.js';
import { runAttempt } from './run-attempt.js';
import type { TaskRunChange, TaskRunScope } from './run-task.js';
import { newTaskRun, startAttempt } from './task-runs.js';

// Returns its rendered message at once, or after a tick with `later`; throws with `fail`;
// logs `lines` lines first.
const echo = defineTask({
  type: 'dev.sluice.test.AttemptEcho',
  title: 'Echo',
  description: 'Returns its message, now or later; fails when asked.',
  props: Type.Object({
    message: Dynamic(Type.String({ description: 'What to return.' })),
    later: Type.Optional(Type.Boolean({ description: 'Answer with a promise.' })),
    fail: Type.Optional(Type.Boolean({ description: 'Throw instead.' })),
    lines: Type.Optional(Type.Integer({ description: 'Lines to log first.' })),
  }, { additionalProperties: false }),
  output: Type.Object({ message: Type.String({ description: 'The message.' }) }),
  examples: [{ title: 'Echo', flow: 'id: x' }],
  run(ctx, props) {
    for (let i = 0; i < (props.lines ?? 0); i++) ctx.logger.info(`line ${i}`);
    if (props.fail) throw new Error('asked to fail');
    return props.later ? Promise.resolve({ message: props.message }) : { message: props.message };
  },
});
const registry = createRegistry([{ pkg: definePluginPackage({ tasks: [echo] }), info: { name: 'attempt-test', version: '0.0.0', path: '/dev/null', types: [] } }]);
const task = (props: Record<string, unknown>): FlowTask => ({ id: 't', type: echo.type, disabled: false, allowFailure: false, allowWarning: false, props });

async function setup(options: { signal?: AbortSignal; append?: (entries: readonly LogEntry[]) => Promise<void> } = {}) {
  const runtime = createMemoryRuntime();
  const flow = await runtime.flows.save({
    tenantId: 'main', id: 'flow', namespace: 'company.team', labels: [], inputs: [], variables: {}, outputs: [],
    tasks: [], triggers: [], disabled: false, extra: {}, source: 'id: flow',
  }) as FlowRevision;
  const execution = createExecution({ flow });
  const appended: LogEntry[][] = [];
  const scope: TaskRunScope = {
    flow, registry, secrets: createSecretReader(mapSecrets({})), now: () => new Date(), jobSignal: options.signal ?? new AbortController().signal,
    appendLogs: options.append ?? (async (entries) => { appended.push([...entries]); }),
    kv: createKvAccess(runtime.kv, 'main'),
  };
  const attempt = (t: FlowTask): TaskRunChange | Promise<TaskRunChange> => {
    const run: TaskRun = startAttempt(newTaskRun(execution, t, new Date()), new Date());
    return runAttempt(scope, execution, t, run);
  };
  return { runtime, attempt, appended };
}

describe('runAttempt', () => {
  it('answers at once, without a promise, a task whose plugin answers at once and whose templates read no store', async () => {
    const { attempt } = await setup();
    const answered = attempt(task({ message: '{{ execution.id }}', lines: 2 }));
    expect(isThenable(answered)).toBe(false);
    const change = answered as TaskRunChange;
    expect(change.taskRun.state.current).toBe('SUCCESS');
    expect(change.taskRun.outputs.message).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(change.logs.map((line) => line.message)).toEqual(['line 0', 'line 1']);
  });

  it('ends a plugin that throws at once FAILED, at once, with its error logged', async () => {
    const { attempt } = await setup();
    const answered = attempt(task({ message: 'x', fail: true }));
    expect(isThenable(answered)).toBe(false);
    const change = answered as TaskRunChange;
    expect(change.taskRun.state.current).toBe('FAILED');
    expect(change.logs.map((line) => [line.level, line.message])).toEqual([['ERROR', 'asked to fail']]);
  });

  it('answers with a promise when the plugin does, a kv() template reads ahead, or lines were flushed', async () => {
    const { attempt, runtime, appended } = await setup();
    await runtime.kv.set({ tenantId: 'main', namespace: 'company.team', key: 'k' }, { value: 'from kv', updated: new Date().toISOString() });
    const later = attempt(task({ message: 'later', later: true }));
    expect(isThenable(later)).toBe(true);
    expect((await later).taskRun.outputs).toEqual({ message: 'later' });
    const kv = attempt(task({ message: "{{ kv('k') }}" }));
    expect(isThenable(kv)).toBe(true);
    expect((await kv).taskRun.outputs).toEqual({ message: 'from kv' });
    // A task with effects stores its lines by batches of 100 as it runs: its end waits for them.
    const chatty = attempt(task({ message: 'x', lines: 150 }));
    expect(isThenable(chatty)).toBe(true);
    const change = await chatty;
    expect(appended.flat()).toHaveLength(100);
    expect(change.logs).toHaveLength(50);
    expect(change.logs[0]?.message).toBe('line 100');
  });

  it('rejects, recording no end, when the job signal fired: the task runs again on the next delivery', async () => {
    const job = new AbortController();
    job.abort(new Error('shutting down'));
    const { attempt } = await setup({ signal: job.signal });
    const answered = attempt(task({ message: 'x' }));
    expect(isThenable(answered)).toBe(true);
    await expect(answered).rejects.toThrow('shutting down');
  });

  it('rejects when a background flush of lines failed, as before', async () => {
    const { attempt } = await setup({ append: () => Promise.reject(new Error('store down')) });
    await expect(attempt(task({ message: 'x', lines: 120 }))).rejects.toThrow('store down');
  });
});
