import { describe, expect, it } from 'vitest';
// First-party plugins by relative path, as flow-tree.contract.ts explains.
import flowPlugin from '../../../plugins/core-flow/src/index.js';
import logPlugin from '../../../plugins/core-log/src/index.js';
import outputsPlugin from '../../../plugins/core-outputs/src/index.js';
import { createExecution, createRegistry, parseFlow, resumePaused, type Execution, type PluginRegistry, type Runtime } from '@sluice/engine';
import { uniqueTenant } from './builders.js';
import type { ContractContext } from './harness.js';
import { ended, startWorker, untilExecution } from './through-queue.js';

const registry: PluginRegistry = createRegistry(
  [flowPlugin, logPlugin, outputsPlugin].map((pkg, i) => ({ pkg, info: { name: `waits-${i}`, version: '0.0.0', path: '/', types: [] } })),
);

const flow = (id: string, tasks: string, extra = '') => `id: ${id}\nnamespace: company.waits\n${extra}\ntasks:\n${tasks}`;

/** Saves `source`, starts a worker of `concurrency` on it (once per test) and submits an execution. */
async function start(ctx: ContractContext, runtime: Runtime, source: string): Promise<string> {
  const parsed = parseFlow(source, registry, { tenantId: uniqueTenant() });
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; '));
  const saved = await runtime.flows.save({ ...parsed.flow, source });
  const execution = createExecution({ flow: saved });
  await runtime.submit(execution);
  return execution.id;
}

const worker = (ctx: ContractContext, runtime: Runtime, concurrency = 1): void => startWorker(ctx, runtime, registry, concurrency);

const until = (ctx: ContractContext, runtime: Runtime, id: string, done: (e: Execution) => boolean): Promise<Execution> => untilExecution(ctx, runtime, id, done, 2);

const stateOf = (e: Execution, taskId: string) => e.taskRunList.find((r) => r.taskId === taskId)?.state;
const count = (e: Execution, taskId: string, state: string) => stateOf(e, taskId)?.histories.filter((h) => h.state === state).length ?? 0;

const log = (id: string, message: string) => `  - id: ${id}\n    type: io.kestra.plugin.core.log.Log\n    message: "${message}"\n`;

/** Pause and Sleep on this runtime: waits hold no worker, end on time or on a resume. */
export function describeWaits(ctx: ContractContext): void {
  describe('waits (Pause, Sleep) through the queue', () => {
    it('a Sleep holds no worker: a worker of concurrency 1 runs another execution while one sleeps', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime, 1);
      const sleeper = await start(ctx, runtime, flow('sleeper', `${log('before', 'before')}  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT1H\n${log('after', 'after')}`));
      const sleeping = await until(ctx, runtime, sleeper, (e) => stateOf(e, 'nap')?.current === 'RUNNING' && e.taskRunList.some((r) => r.wait !== undefined));
      expect(sleeping.state.current).toBe('RUNNING');
      const other = await start(ctx, runtime, flow('quick', log('only', 'quick')));
      expect((await until(ctx, runtime, other, ended)).state.current).toBe('SUCCESS');
      const still = await runtime.executions.get(sleeper);
      expect(still?.state.current).toBe('RUNNING');
      expect(stateOf(still as Execution, 'after')).toBeUndefined();
    });

    it('a Sleep ends in SUCCESS once its duration passed, and the flow goes on', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime);
      const id = await start(ctx, runtime, flow('sleep_short', `  - id: nap\n    type: io.kestra.plugin.core.flow.Sleep\n    duration: PT0.2S\n${log('after', 'after')}`));
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('SUCCESS');
      expect(stateOf(done, 'nap')?.current).toBe('SUCCESS');
      expect(stateOf(done, 'after')?.current).toBe('SUCCESS');
      expect(done.taskRunList.every((r) => r.wait === undefined)).toBe(true);
    });

    it('a Pause with a duration: the execution is PAUSED, then behavior WARN ends the Pause in WARNING and the flow goes on', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime);
      const id = await start(ctx, runtime, flow('pause_warn', `  - id: pause\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT0.3S\n    behavior: WARN\n${log('last', 'last')}`));
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('WARNING');
      expect(done.state.histories.map((h) => h.state)).toContain('PAUSED');
      expect(stateOf(done, 'pause')?.current).toBe('WARNING');
      expect(count(done, 'pause', 'PAUSED')).toBe(1);
      expect(stateOf(done, 'last')?.current).toBe('SUCCESS');
      expect(done.taskRunList.find((r) => r.taskId === 'pause')?.outputs).toMatchObject({ resumed: { to: 'WARNING' } });
    });

    it('a Pause with behavior CANCEL cancels the execution when its duration passed; nothing after it runs', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime);
      const id = await start(ctx, runtime, flow('pause_cancel', `  - id: pause\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT0.2S\n    behavior: CANCEL\n${log('last', 'last')}`));
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('CANCELLED');
      expect(stateOf(done, 'pause')?.current).toBe('CANCELLED');
      expect(stateOf(done, 'last')).toBeUndefined();
    });

    it('a Pause\'s timeout fails it: its errors and finally run, the tasks after it do not', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime);
      const tasks = [
        '  - id: pause',
        '    type: io.kestra.plugin.core.flow.Pause',
        '    timeout: PT0.25S',
        '    errors:',
        '      - id: logError',
        '        type: io.kestra.plugin.core.log.Log',
        '        message: in errors',
        '    finally:',
        '      - id: logFinally',
        '        type: io.kestra.plugin.core.log.Log',
        '        message: in finally',
        log('log', 'after'),
      ].join('\n');
      const id = await start(ctx, runtime, flow('pause_timeout', tasks));
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('FAILED');
      expect(stateOf(done, 'pause')?.current).toBe('FAILED');
      expect(stateOf(done, 'logError')?.current).toBe('SUCCESS');
      expect(stateOf(done, 'logFinally')?.current).toBe('SUCCESS');
      expect(stateOf(done, 'log')).toBeUndefined();
    });

    it('Kestra\'s each-parallel-pause: three timed pauses at once in an EachParallel, each then runs its own tasks', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime);
      const tasks = [
        '  - id: each',
        '    type: io.kestra.plugin.core.flow.EachParallel',
        '    value: ["toto", "tata", "titi"]',
        '    tasks:',
        '      - id: pause',
        '        type: io.kestra.plugin.core.flow.Pause',
        '        delay: PT0.2S',
        '        tasks:',
        '          - id: log',
        '            type: io.kestra.plugin.core.log.Log',
        '            message: "{{ taskrun.value }}"',
        log('last', 'last'),
      ].join('\n');
      const id = await start(ctx, runtime, flow('each_parallel_pause', tasks));
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('SUCCESS');
      expect(done.taskRunList).toHaveLength(8);
      const pauses = done.taskRunList.filter((r) => r.taskId === 'pause');
      expect(pauses.map((r) => r.value).sort()).toEqual(['tata', 'titi', 'toto']);
      expect(pauses.every((r) => r.state.current === 'SUCCESS' && r.state.histories.filter((h) => h.state === 'PAUSED').length === 1)).toBe(true);
      expect(done.taskRunList.filter((r) => r.taskId === 'log').every((r) => r.state.current === 'SUCCESS')).toBe(true);
    });

    it('a Pause resumed through the API: onResume inputs validated, kept as outputs; the stale wake is cancelled', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime);
      const tasks = `  - id: pause\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT1H\n    onResume:\n      - id: asked\n        type: STRING\n      - id: count\n        type: INT\n        defaults: 2\n  - id: last\n    type: io.kestra.plugin.core.output.OutputValues\n    values:\n      asked: "{{ outputs.pause.onResume.asked }}"\n      count: "{{ outputs.pause.onResume.count }}"\n`;
      const id = await start(ctx, runtime, flow('pause_resume', tasks));
      const paused = await until(ctx, runtime, id, (e) => e.state.current === 'PAUSED');
      expect(stateOf(paused, 'pause')?.current).toBe('PAUSED');
      expect(paused.taskRunList).toHaveLength(1);

      const missing = await resumePaused(runtime, id, { inputs: {} });
      expect(missing).toEqual({ kind: 'invalid', errors: [{ path: 'onResume.asked', message: "missing required input value 'asked'" }] });
      const wrong = await resumePaused(runtime, id, { inputs: { asked: 'yes', count: 'many' } });
      expect(wrong.kind === 'invalid' && wrong.errors.map((e) => e.path)).toEqual(['onResume.count']);

      const resumed = await resumePaused(runtime, id, { inputs: { asked: 'restarted' }, by: 'admin' });
      expect(resumed.kind).toBe('resumed');
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('SUCCESS');
      expect(done.state.histories.map((h) => h.state)).toEqual(expect.arrayContaining(['PAUSED', 'RESTARTED']));
      const pause = done.taskRunList.find((r) => r.taskId === 'pause');
      expect(pause?.state.current).toBe('SUCCESS');
      expect(pause?.outputs).toMatchObject({ onResume: { asked: 'restarted', count: 2 }, resumed: { by: 'admin', to: 'SUCCESS' } });
      expect(done.taskRunList.find((r) => r.taskId === 'last')?.outputs).toEqual({ values: { asked: 'restarted', count: '2' } });
      // The wake of the pause's own end (in an hour) went with the resume.
      const due = paused.taskRunList[0]?.wait?.until;
      expect(due).toBeDefined();
      expect(await runtime.queue.cancel(id, { at: new Date(due as string) })).toBe(false);
      // Not paused any more: a second resume is refused.
      expect((await resumePaused(runtime, id, {})).kind).toBe('not-paused');
    });
  });
}
