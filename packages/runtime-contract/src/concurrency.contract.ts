import { describe, expect, it, vi } from 'vitest';
// First-party plugins by relative path, as flow-tree.contract.ts explains.
import flowPlugin from '../../../plugins/core-flow/src/index.js';
import logPlugin from '../../../plugins/core-log/src/index.js';
import {
  createExecution, createRegistry, killRequest, parseFlow, resumePaused,
  type Execution, type FlowKey, type FlowRevision, type PluginRegistry, type Runtime,
} from '@sluice/engine';
import { uniqueTenant } from './builders.js';
import type { ContractContext } from './harness.js';
import { ended, startWorker, untilExecution } from './through-queue.js';

const registry: PluginRegistry = createRegistry(
  [flowPlugin, logPlugin].map((pkg, i) => ({ pkg, info: { name: `concurrency-${i}`, version: '0.0.0', path: '/', types: [] } })),
);

const queue = (limit: number, at = 1) => ({ limit, queue: true, at });
const flowKey = (id = 'f'): FlowKey => ({ tenantId: uniqueTenant(), namespace: 'company.limits', id });

const sleepFlow = (behavior: string) => `id: limited
namespace: company.limits
concurrency:
  limit: 1
  behavior: ${behavior}
tasks:
  - id: nap
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT0.5S
`;
const pauseFlow = (behavior: string) => `id: paused
namespace: company.limits
concurrency:
  limit: 1
  behavior: ${behavior}
tasks:
  - id: pause
    type: io.kestra.plugin.core.flow.Pause
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: resumed
`;

async function save(runtime: Runtime, source: string): Promise<FlowRevision> {
  const parsed = parseFlow(source, registry, { tenantId: uniqueTenant() });
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; '));
  return runtime.flows.save({ ...parsed.flow, source });
}

async function submit(runtime: Runtime, flow: FlowRevision): Promise<string> {
  const execution = createExecution({ flow });
  await runtime.submit(execution);
  return execution.id;
}

const worker = (ctx: ContractContext, runtime: Runtime, concurrency = 1): void => startWorker(ctx, runtime, registry, concurrency);

const until = (ctx: ContractContext, runtime: Runtime, id: string, done: (e: Execution) => boolean): Promise<Execution> => untilExecution(ctx, runtime, id, done, 3);

const inState = (state: string) => (e: Execution) => e.state.current === state;
const states = (e: Execution) => e.state.histories.map((h) => h.state);
/** When a task run started and ended, in epoch ms. */
const span = (e: Execution, taskId: string): [number, number] => {
  const run = e.taskRunList.find((r) => r.taskId === taskId);
  if (!run) throw new Error(`no ${taskId} in ${e.id}`);
  return [Date.parse(run.state.histories[0]?.date ?? ''), Date.parse(run.state.histories.at(-1)?.date ?? '')];
};

/** ConcurrencyLimits, and flow `concurrency` through the executor and the queue of this runtime. */
export function describeConcurrencyLimits(ctx: ContractContext): void {
  describe('concurrency slots', () => {
    it('gives up to the limit, queues the next ones in arrival order, refuses without queue', async () => {
      const limits = ctx.runtime.concurrency;
      const flow = flowKey();
      expect((await limits.acquire(flow, 'a', queue(2))).outcome).toBe('running');
      expect((await limits.acquire(flow, 'b', queue(2))).outcome).toBe('running');
      expect(await limits.acquire(flow, 'c', queue(2, 10))).toEqual({ outcome: 'queued', running: 2, promoted: [] });
      expect((await limits.acquire(flow, 'd', queue(2, 11))).outcome).toBe('queued');
      expect(await limits.acquire(flow, 'e', { limit: 2, queue: false, at: 12 })).toEqual({ outcome: 'refused', running: 2, promoted: [] });
      const slots = await limits.slots(flow);
      expect([...slots.running].sort()).toEqual(['a', 'b']);
      expect(slots.queued).toEqual(['c', 'd']);
    });

    it('answers a second ask and a second release as the first, and changes nothing', async () => {
      const limits = ctx.runtime.concurrency;
      const flow = flowKey();
      await limits.acquire(flow, 'a', queue(1));
      await limits.acquire(flow, 'b', queue(1, 5));
      expect(await limits.acquire(flow, 'a', queue(1))).toEqual({ outcome: 'running', running: 0, promoted: [] });
      expect(await limits.acquire(flow, 'b', queue(1, 6))).toEqual({ outcome: 'queued', running: 1, promoted: [] });
      expect(await limits.slots(flow)).toEqual({ running: ['a'], queued: ['b'] });
      expect(await limits.release(flow, 'a')).toEqual({ released: true, promoted: [{ executionId: 'b', queuedAt: 5 }] });
      expect(await limits.release(flow, 'a')).toEqual({ released: false, promoted: [{ executionId: 'b', queuedAt: 5 }] });
      expect(await limits.slots(flow)).toEqual({ running: ['b'], queued: [] });
    });

    it('lists a promotion in every answer until the promoted execution asks, so a lost start is found again', async () => {
      const limits = ctx.runtime.concurrency;
      const flow = flowKey();
      await limits.acquire(flow, 'a', queue(1));
      await limits.acquire(flow, 'b', queue(1, 7));
      await limits.acquire(flow, 'c', queue(1, 8));
      await limits.release(flow, 'a');
      // The releaser died before queueing b: the next call on the flow lists it again.
      expect((await limits.acquire(flow, 'd', queue(1, 9))).promoted).toEqual([{ executionId: 'b', queuedAt: 7 }]);
      expect(await limits.acquire(flow, 'b', queue(1, 99))).toEqual({ outcome: 'running', running: 0, promoted: [] });
      expect((await limits.release(flow, 'zzz')).promoted).toEqual([]);
      expect(await limits.slots(flow)).toEqual({ running: ['b'], queued: ['c', 'd'] });
    });

    it('takes a waiting execution out of the line, and keeps each entry to the limit it asked under', async () => {
      const limits = ctx.runtime.concurrency;
      const flow = flowKey();
      await limits.acquire(flow, 'a', queue(2));
      await limits.acquire(flow, 'b', queue(2));
      await limits.acquire(flow, 'c', queue(1, 3));
      await limits.acquire(flow, 'd', queue(3, 4));
      expect(await limits.release(flow, 'c')).toEqual({ released: true, promoted: [{ executionId: 'd', queuedAt: 4 }] });
      expect((await limits.slots(flow)).queued).toEqual([]);
      await limits.acquire(flow, 'e', queue(1, 5));
      expect(await limits.release(flow, 'a')).toEqual({ released: true, promoted: [{ executionId: 'd', queuedAt: 4 }] });
      expect((await limits.slots(flow)).queued).toEqual(['e']);
    });

    it('keeps flows and tenants apart, whatever characters their ids hold', async () => {
      const limits = ctx.runtime.concurrency;
      const flow = { tenantId: uniqueTenant(), namespace: 'company.x{y}', id: 'a:b' };
      await limits.acquire(flow, 'a', queue(1));
      expect((await limits.acquire({ ...flow, id: 'a' }, 'b', queue(1))).outcome).toBe('running');
      expect((await limits.acquire({ ...flow, tenantId: uniqueTenant() }, 'c', queue(1))).outcome).toBe('running');
      expect((await limits.acquire({ ...flow, namespace: 'company.x' }, 'd', queue(1))).outcome).toBe('running');
      expect(await limits.slots(flow)).toEqual({ running: ['a'], queued: [] });
    });

    it('gives exactly limit slots to many callers asking at once, across instances on a shared store', async () => {
      const flow = flowKey();
      const other = ctx.options.sharedStore ? await ctx.another() : ctx.runtime;
      const ids = Array.from({ length: 30 }, (_, i) => `e${i}`);
      const answers = await Promise.all(ids.map((id, i) => (i % 2 === 0 ? ctx.runtime : other).concurrency.acquire(flow, id, queue(3, i))));
      expect(answers.filter((a) => a.outcome === 'running')).toHaveLength(3);
      expect(answers.filter((a) => a.outcome === 'queued')).toHaveLength(27);
      const slots = await ctx.runtime.concurrency.slots(flow);
      expect(slots.running).toHaveLength(3);
      expect(slots.queued).toHaveLength(27);
      // Released all at once: still never more than 3 held, and the line drains in order.
      const held = [...slots.running];
      await Promise.all(held.map((id, i) => (i % 2 === 0 ? ctx.runtime : other).concurrency.release(flow, id)));
      const after = await ctx.runtime.concurrency.slots(flow);
      expect([...after.running].sort()).toEqual([...slots.queued.slice(0, 3)].sort());
      expect(after.queued).toEqual(slots.queued.slice(3));
    });
  });

  describe('flow concurrency through the executor', () => {
    it('QUEUE: limit 1 runs one execution at a time, the others QUEUED then RUNNING in arrival order', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime, 4);
      const flow = await save(runtime, sleepFlow('QUEUE'));
      const first = await submit(runtime, flow);
      await until(ctx, runtime, first, (e) => e.taskRunList.length > 0);
      const second = await submit(runtime, flow);
      await until(ctx, runtime, second, inState('QUEUED'));
      const third = await submit(runtime, flow);
      await until(ctx, runtime, third, (e) => e.state.current === 'QUEUED' || ended(e));
      const done = [await until(ctx, runtime, first, ended), await until(ctx, runtime, second, ended), await until(ctx, runtime, third, ended)];
      expect(done.map((e) => e.state.current)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
      expect(states(done[1] as Execution).slice(0, 3)).toEqual(['CREATED', 'QUEUED', 'RUNNING']);
      expect(states(done[2] as Execution).slice(0, 3)).toEqual(['CREATED', 'QUEUED', 'RUNNING']);
      const spans = done.map((e) => span(e, 'nap'));
      for (let i = 1; i < spans.length; i++) expect((spans[i] as [number, number])[0]).toBeGreaterThanOrEqual((spans[i - 1] as [number, number])[1]);
      // The slot is given back after the end is saved (a crash between the two is repaired by the
      // job delivered again), so a reader that saw the end may come before the release.
      await vi.waitFor(async () => {
        expect(await runtime.concurrency.slots({ tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id })).toEqual({ running: [], queued: [] });
      }, { timeout: ctx.options.deliveryTimeoutMs, interval: 25 });
    });

    it('CANCEL and FAIL: one more ends at once, CANCELLED, or FAILED with an ERROR line; the one holding the slot goes on', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime, 2);
      for (const behavior of ['CANCEL', 'FAIL'] as const) {
        const flow = await save(runtime, pauseFlow(behavior));
        const holder = await submit(runtime, flow);
        await until(ctx, runtime, holder, inState('PAUSED'));
        const refused = await until(ctx, runtime, await submit(runtime, flow), ended);
        expect(states(refused)).toEqual(behavior === 'CANCEL' ? ['CREATED', 'CANCELLED'] : ['CREATED', 'FAILED']);
        expect(refused.taskRunList).toEqual([]);
        const errors = await runtime.logs.list(refused.id, { minLevel: 'ERROR' });
        if (behavior === 'FAIL') expect(errors.map((l) => l.message)).toEqual(['Flow is FAILED due to concurrency limit exceeded, 1 running(s), limit 1']);
        else expect(errors).toEqual([]);
        expect((await resumePaused(runtime, holder)).kind).toBe('resumed');
        expect((await until(ctx, runtime, holder, ended)).state.current).toBe('SUCCESS');
        // The slot is free again: the next one runs.
        const next = await submit(runtime, flow);
        await until(ctx, runtime, next, inState('PAUSED'));
        expect((await resumePaused(runtime, next)).kind).toBe('resumed');
        expect((await until(ctx, runtime, next, ended)).state.current).toBe('SUCCESS');
      }
    });

    it('a kill of a QUEUED execution ends it KILLED and takes it out of the line; the next one runs when the slot frees', async () => {
      const { runtime } = ctx;
      worker(ctx, runtime, 2);
      const flow = await save(runtime, pauseFlow('QUEUE'));
      const key = { tenantId: flow.tenantId, namespace: flow.namespace, id: flow.id };
      const holder = await submit(runtime, flow);
      await until(ctx, runtime, holder, inState('PAUSED'));
      const killed = await submit(runtime, flow);
      await until(ctx, runtime, killed, inState('QUEUED'));
      const waiting = await submit(runtime, flow);
      await until(ctx, runtime, waiting, inState('QUEUED'));
      expect(await runtime.concurrency.slots(key)).toEqual({ running: [holder], queued: [killed, waiting] });
      // What the kill route does with an execution no worker holds: KILLING stored, then queued now.
      const read = (await runtime.executions.get(killed)) as Execution;
      const request = killRequest(read, new Date());
      if (request.kind !== 'killing') throw new Error('not killable');
      expect(request.held).toBe(false);
      await runtime.executions.save(request.execution, { expected: read, announce: [{ executionId: killed, state: 'KILLING', terminated: false }] });
      await runtime.queue.enqueue(killed, { at: new Date() });
      expect(states(await until(ctx, runtime, killed, ended))).toEqual(['CREATED', 'QUEUED', 'KILLING', 'KILLED']);
      expect(await runtime.concurrency.slots(key)).toEqual({ running: [holder], queued: [waiting] });
      expect((await resumePaused(runtime, holder)).kind).toBe('resumed');
      await until(ctx, runtime, waiting, inState('PAUSED'));
      expect(await runtime.concurrency.slots(key)).toEqual({ running: [waiting], queued: [] });
      expect((await resumePaused(runtime, waiting)).kind).toBe('resumed');
      expect(states(await until(ctx, runtime, waiting, ended)).slice(0, 3)).toEqual(['CREATED', 'QUEUED', 'RUNNING']);
    });
  });
}
