import { describe, expect, it } from 'vitest';
import { Type, defineTask, definePluginPackage } from '@sluice/core';
// First-party plugins by relative path, as flow-tree.contract.ts explains.
import executionPlugin from '../../../plugins/core-execution/src/index.js';
import flowPlugin from '../../../plugins/core-flow/src/index.js';
import logPlugin from '../../../plugins/core-log/src/index.js';
import outputsPlugin from '../../../plugins/core-outputs/src/index.js';
import {
  MAX_SUBFLOW_DEPTH, createExecution, createRegistry, killChildren, parseFlow, requestKill, restartExecution, taskIndex,
  type Execution, type PluginRegistry, type Runtime,
} from '@sluice/engine';
import { uniqueTenant } from './builders.js';
import type { ContractContext } from './harness.js';
import { ended, startWorker, untilExecution } from './through-queue.js';

/** How many times the slow task ran, by execution id: a task run repeated shows here. */
const slowRuns = new Map<string, number>();

const slow = defineTask({
  type: 'contract.Slow',
  title: 'Slow',
  description: 'Takes `ms` milliseconds, counting its runs.',
  props: Type.Object({ ms: Type.Integer({ description: 'How long it takes.' }) }, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'Slow', flow: 'id: s\nnamespace: n\ntasks:\n  - id: s\n    type: contract.Slow\n    ms: 1\n' }],
  async run(ctx, { ms }) {
    slowRuns.set(ctx.ids.executionId, (slowRuns.get(ctx.ids.executionId) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return {};
  },
});

const registry: PluginRegistry = createRegistry(
  [flowPlugin, logPlugin, outputsPlugin, executionPlugin, definePluginPackage({ tasks: [slow] })]
    .map((pkg, i) => ({ pkg, info: { name: `subflows-${i}`, version: '0.0.0', path: '/', types: [] } })),
);

const ns = 'company.subflows';
const flow = (id: string, body: string) => `id: ${id}\nnamespace: ${ns}\n${body}`;
const call = (id: string, flowId: string, extra = '') =>
  `  - id: ${id}\n    type: io.kestra.plugin.core.flow.Subflow\n    namespace: ${ns}\n    flowId: ${flowId}\n${extra}`;
const log = (id: string, message: string) => `  - id: ${id}\n    type: io.kestra.plugin.core.log.Log\n    message: "${message}"\n`;

const child = flow('child', `inputs:
  - id: name
    type: STRING
    defaults: nobody
tasks:
${log('hello', 'hello {{ inputs.name }} from {{ trigger.flowId }}')}outputs:
  - id: greeting
    type: STRING
    value: "hello {{ inputs.name }}"
`);
const failing = flow('failing', `tasks:
  - id: fail
    type: io.kestra.plugin.core.execution.Fail
    errorMessage: down
`);
const sleeping = flow('sleeping', `tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1H
`);

/** Saves the flows under a new tenant, runs a worker, and submits an execution of the last one. */
async function start(ctx: ContractContext, sources: readonly string[], concurrency = 1): Promise<{ id: string; tenantId: string }> {
  const { runtime } = ctx;
  const tenantId = uniqueTenant();
  let last;
  for (const source of sources) {
    const parsed = parseFlow(source, registry, { tenantId });
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; '));
    last = await runtime.flows.save({ ...parsed.flow, source });
  }
  worker(ctx, runtime, concurrency);
  const execution = createExecution({ flow: last as NonNullable<typeof last> });
  await runtime.submit(execution);
  return { id: execution.id, tenantId };
}

const worker = (ctx: ContractContext, runtime: Runtime, concurrency = 1): void => startWorker(ctx, runtime, registry, concurrency);


const until = untilExecution;

const runOf = (e: Execution, taskId: string) => e.taskRunList.find((r) => r.taskId === taskId);
const childIdOf = (e: Execution, taskId: string) => runOf(e, taskId)?.outputs['executionId'] as string;
const messages = async (runtime: Runtime, id: string) => (await runtime.logs.list(id)).map((l) => `${l.level} ${l.message}`);

/** Subflows on this runtime: a parent waits for its child holding no worker, and the child's end wakes it. */
export function describeSubflows(ctx: ContractContext): void {
  describe('subflows through the queue', () => {
    it('a parent waits for its child holding no worker (one worker slot runs both), then reads its state and outputs', async () => {
      const { runtime } = ctx;
      const parent = flow('parent', `tasks:\n${call('call', 'child', '    inputs:\n      name: "{{ execution.id | length }}"\n    labels:\n      team: data\n')}${log('after', '{{ outputs.call.outputs.greeting }} {{ outputs.call.state }}')}`);
      const { id } = await start(ctx, [child, parent], 1);
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('SUCCESS');
      expect(await messages(runtime, id)).toContain('INFO hello 22 SUCCESS');
      const childId = childIdOf(done, 'call');
      expect(runOf(done, 'call')?.outputs).toEqual({ executionId: childId, state: 'SUCCESS', outputs: { greeting: 'hello 22' } });
      const kid = (await runtime.executions.get(childId)) as Execution;
      expect(kid.state.current).toBe('SUCCESS');
      expect(kid.trigger).toMatchObject({ id: 'call', type: 'io.kestra.plugin.core.flow.Subflow', variables: { executionId: id, namespace: ns, flowId: 'parent', taskRunId: runOf(done, 'call')?.id, taskId: 'call' } });
      expect(kid.labels).toEqual(expect.arrayContaining([{ key: 'team', value: 'data' }, { key: 'system.correlationId', value: id }]));
      expect(await messages(runtime, childId)).toContain('INFO hello 22 from parent');
      expect(done.taskRunList.every((r) => r.wait === undefined)).toBe(true);
    });

    it('a child that fails fails the Subflow and its parent; with allowFailure the parent ends in WARNING; transmitFailed: false succeeds', async () => {
      const { runtime } = ctx;
      const strict = await start(ctx, [failing, flow('strict', `tasks:\n${call('call', 'failing')}${log('never', 'never')}`)]);
      const failed = await until(ctx, runtime, strict.id, ended);
      expect(failed.state.current).toBe('FAILED');
      expect(runOf(failed, 'call')?.state.current).toBe('FAILED');
      expect(runOf(failed, 'call')?.outputs['state']).toBe('FAILED');
      expect(runOf(failed, 'never')).toBeUndefined();

      const lenient = await start(ctx, [failing, flow('lenient', `tasks:\n${call('call', 'failing', '    allowFailure: true\n')}${log('next', 'next')}`)]);
      const warned = await until(ctx, runtime, lenient.id, ended);
      expect(warned.state.current).toBe('WARNING');
      expect(runOf(warned, 'next')?.state.current).toBe('SUCCESS');

      const blind = await start(ctx, [failing, flow('blind', `tasks:\n${call('call', 'failing', '    transmitFailed: false\n')}${log('next', 'next')}`)]);
      expect((await until(ctx, runtime, blind.id, ended)).state.current).toBe('SUCCESS');
    });

    it('a retry starts a new child execution per attempt (Kestra retries a Subflow so), then the task fails', async () => {
      const { runtime } = ctx;
      const retried = flow('retried', `tasks:\n${call('call', 'failing', '    retry:\n      type: constant\n      interval: PT0.1S\n      maxAttempt: 3\n')}`);
      const { id } = await start(ctx, [failing, retried]);
      const done = await until(ctx, runtime, id, ended, 3);
      expect(done.state.current).toBe('FAILED');
      const run = runOf(done, 'call');
      expect(run?.attempts.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED', 'FAILED']);
      expect(run?.state.histories.filter((h) => h.state === 'RETRYING')).toHaveLength(2);
      const children = (await runtime.executions.search({ tenantId: done.tenantId, namespace: ns, flowId: 'failing', page: 1, size: 10 })).results;
      expect(children.map((e) => e.state.current)).toEqual(['FAILED', 'FAILED', 'FAILED']);
      expect(new Set(children.map((e) => e.id)).size).toBe(3);
    });

    it('Kestra\'s deprecated outputs render against the ended child; inheritLabels passes the parent\'s labels on', async () => {
      const { runtime } = ctx;
      const valued = flow('valued', `tasks:\n  - id: out\n    type: io.kestra.plugin.core.output.OutputValues\n    values:\n      answer: "42"\n`);
      const parent = flow('labelled', `labels:\n  mainFlowLabel: flowFoo\ntasks:\n${call('launch', 'valued', '    inheritLabels: true\n    labels:\n      launchTaskLabel: launchFoo\n    outputs:\n      extracted: "{{ outputs.out.values.answer }}"\n')}`);
      const { id } = await start(ctx, [valued, parent]);
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('SUCCESS');
      expect(runOf(done, 'launch')?.outputs['outputs']).toEqual({ extracted: '42' });
      const kid = (await runtime.executions.get(childIdOf(done, 'launch'))) as Execution;
      expect(kid.labels).toEqual(expect.arrayContaining([{ key: 'mainFlowLabel', value: 'flowFoo' }, { key: 'launchTaskLabel', value: 'launchFoo' }]));
    });

    it('wait: false ends the Subflow once the child is started; the child runs on to its own end', async () => {
      const { runtime } = ctx;
      const { id } = await start(ctx, [sleeping, flow('fire', `tasks:\n${call('call', 'sleeping', '    wait: false\n')}`)]);
      const done = await until(ctx, runtime, id, ended);
      expect(done.state.current).toBe('SUCCESS');
      const childId = childIdOf(done, 'call');
      expect(runOf(done, 'call')?.outputs).toEqual({ executionId: childId });
      const kid = await until(ctx, runtime, childId, (e) => e.state.current === 'RUNNING');
      expect(kid.trigger?.variables['wait']).toBe(false);
    });

    it('a Subflow of a flow that does not exist, or with inputs it refuses, fails naming why; the execution ends', async () => {
      const { runtime } = ctx;
      const missing = await start(ctx, [flow('lost', `tasks:\n${call('call', 'nowhere')}`)]);
      expect((await until(ctx, runtime, missing.id, ended)).state.current).toBe('FAILED');
      expect(await messages(runtime, missing.id)).toContain(`ERROR the subflow ${ns}.nowhere does not exist`);

      const strictChild = flow('typed', `inputs:\n  - id: count\n    type: INT\ntasks:\n${log('x', 'x')}`);
      const refused = await start(ctx, [strictChild, flow('bad_inputs', `tasks:\n${call('call', 'typed', '    inputs:\n      count: lots\n')}`)]);
      expect((await until(ctx, runtime, refused.id, ended)).state.current).toBe('FAILED');
      const lines = await messages(runtime, refused.id);
      expect(lines.some((l) => l.startsWith(`ERROR the subflow ${ns}.typed refused its inputs: inputs.count`))).toBe(true);
    });

    it(`a flow that calls itself is stopped ${MAX_SUBFLOW_DEPTH} levels down: every execution ends FAILED`, async () => {
      const { runtime } = ctx;
      const { id } = await start(ctx, [flow('itself', `tasks:\n${call('again', 'itself')}`)], 2);
      const root = await until(ctx, runtime, id, ended, 6);
      expect(root.state.current).toBe('FAILED');
      let depth = 0;
      let at = root;
      for (let next = childIdOf(at, 'again'); next !== undefined; next = childIdOf(at, 'again')) {
        const kid = await runtime.executions.get(next);
        if (!kid) break;
        at = kid;
        depth++;
        expect(at.state.current).toBe('FAILED');
      }
      expect(depth).toBe(MAX_SUBFLOW_DEPTH);
      expect((await messages(runtime, at.id)).some((l) => l.includes(`more than ${MAX_SUBFLOW_DEPTH} subflows deep`))).toBe(true);
    });

    it('a child that ends while its parent runs another branch wakes the parent without running that branch twice', async () => {
      const { runtime } = ctx;
      const quick = flow('quick', `tasks:\n${log('q', 'quick')}`);
      const parent = flow('busy', `tasks:
  - id: both
    type: io.kestra.plugin.core.flow.Parallel
    tasks:
${call('call', 'quick').trimEnd().replace(/^/gm, '    ')}
      - id: slow
        type: contract.Slow
        ms: 1500
${log('after', 'after')}`);
      const { id } = await start(ctx, [quick, parent], 2);
      // Under a shared store a second process consumes too, so the child's wake may reach it.
      if (ctx.options.sharedStore) worker(ctx, await ctx.another(), 2);
      const done = await until(ctx, runtime, id, ended, 3);
      expect(done.state.current).toBe('SUCCESS');
      expect(slowRuns.get(id)).toBe(1);
      expect(runOf(done, 'slow')?.attempts).toHaveLength(1);
      expect(runOf(done, 'after')?.state.current).toBe('SUCCESS');
    });

    it('a restart of a parent whose Subflow failed starts a new child execution (Kestra\'s restartBehavior NEW_EXECUTION)', async () => {
      const { runtime } = ctx;
      const { id, tenantId } = await start(ctx, [failing, flow('restarted', `tasks:\n${call('call', 'failing')}`)]);
      const failed = await until(ctx, runtime, id, ended);
      expect(failed.state.current).toBe('FAILED');
      const first = childIdOf(failed, 'call');
      const revision = await runtime.flows.getRevision({ tenantId, namespace: ns, id: 'restarted' }, failed.flowRevision);
      if (!revision) throw new Error('no revision');
      const restarted = restartExecution(failed, { ...revision, tasks: taskIndex(revision, registry) }, new Date());
      if (!restarted.ok) throw new Error(restarted.message);
      await runtime.executions.save(restarted.execution, { expected: failed });
      await runtime.queue.enqueue(id, { at: new Date() });
      const again = await until(ctx, runtime, id, (e) => ended(e) && e.metadata.attemptNumber === 2);
      expect(again.state.current).toBe('FAILED');
      const second = childIdOf(again, 'call');
      expect(second).not.toBe(first);
      expect((await runtime.executions.get(second))?.state.current).toBe('FAILED');
      expect((await runtime.executions.get(first))?.state.current).toBe('FAILED');
    });

    it('killing a parent with its children (isOnKillCascade) ends the child it waits for, and the child\'s, KILLED', async () => {
      const { runtime } = ctx;
      const middle = flow('middle', `tasks:\n${call('deeper', 'sleeping')}`);
      const { id } = await start(ctx, [sleeping, middle, flow('top', `tasks:\n${call('call', 'middle')}`)], 2);
      const waiting = await until(ctx, runtime, id, (e) => runOf(e, 'call')?.wait?.child !== undefined);
      const middleId = childIdOf(waiting, 'call');
      const grand = await until(ctx, runtime, middleId, (e) => runOf(e, 'deeper')?.wait?.child !== undefined);
      const sleeperId = childIdOf(grand, 'deeper');
      await until(ctx, runtime, sleeperId, (e) => runOf(e, 'nap')?.wait !== undefined);
      const read = (await runtime.executions.get(id)) as Execution;
      expect(await requestKill(runtime, read, new Date())).toBe('killing');
      await killChildren(runtime, read, new Date());
      for (const each of [id, middleId, sleeperId]) expect((await until(ctx, runtime, each, ended)).state.current).toBe('KILLED');
    });
  });
}
