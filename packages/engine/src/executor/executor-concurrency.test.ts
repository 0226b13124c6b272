import { describe, expect, it } from 'vitest';
import { createMemoryRuntime } from '../../../runtime-memory/src/index.js';
import { treeRegistry } from '../../test/fixtures/tree-plugins.js';
import { createExecution, restartExecution } from '../execution/index.js';
import { parseFlow } from '../flow/index.js';
import type { Execution } from '../model/execution.js';
import { newState } from '../model/state.js';
import type { ConcurrencyLimits, EnqueueOptions, Runtime } from '../ports/ports.js';
import { mapSecrets } from '../secrets/index.js';
import { admissionOf, needsSlot, releaseIfEnded } from './concurrency.js';
import { createExecutor, taskIndex } from './index.js';

// The executor's side of flow `concurrency`, run job by job as a worker would, with the queue
// recorded instead of consumed, and crashes injected between the steps that must survive them.

const flowSource = (limit: number, behavior = 'QUEUE') => `id: limited
namespace: company.team
concurrency:
  limit: ${limit}
  behavior: ${behavior}
tasks:
  - id: say
    type: test.Say
    text: hello
`;

interface Setup {
  runtime: Runtime;
  queued: string[];
  run(id: string): Promise<Execution>;
  start(revision?: number): Promise<string>;
  save(source: string): Promise<void>;
  slots(): ReturnType<ConcurrencyLimits['slots']>;
}

/** A memory runtime whose `concurrency` and `queue.enqueue` may be wrapped to fail. */
async function setup(source: string, wrap: { concurrency?: (c: ConcurrencyLimits) => ConcurrencyLimits; enqueue?: (id: string) => void } = {}): Promise<Setup> {
  const base = createMemoryRuntime();
  const queued: string[] = [];
  const queue = {
    ...base.queue,
    enqueue: async (id: string, _options?: EnqueueOptions) => {
      wrap.enqueue?.(id);
      queued.push(id);
    },
  };
  const runtime: Runtime = { ...base, queue, concurrency: wrap.concurrency ? wrap.concurrency(base.concurrency) : base.concurrency };
  const executor = createExecutor({ runtime, registry: treeRegistry, secrets: mapSecrets({}) });
  const save = async (text: string): Promise<void> => {
    const parsed = parseFlow(text, treeRegistry);
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    await runtime.flows.save({ ...parsed.flow, source: text });
  };
  await save(source);
  const key = { tenantId: 'main', namespace: 'company.team', id: 'limited' };
  return {
    runtime, queued, save,
    run: (id) => executor.run(id, new AbortController().signal),
    async start(revision) {
      const flow = revision === undefined ? await runtime.flows.get(key) : await runtime.flows.getRevision(key, revision);
      if (!flow) throw new Error('no flow');
      const execution = createExecution({ flow });
      await runtime.executions.create(execution);
      return execution.id;
    },
    slots: () => runtime.concurrency.slots(key),
  };
}

/** Holds the slot: an execution admitted and left RUNNING (its job "crashed" after the admission). */
async function holdSlot(s: Setup, id: string, limit = 1): Promise<void> {
  const execution = (await s.runtime.executions.get(id)) as Execution;
  const answer = await s.runtime.concurrency.acquire({ tenantId: 'main', namespace: 'company.team', id: 'limited' }, id, { limit, queue: true, at: Date.now() });
  expect(answer.outcome).toBe('running');
  await s.runtime.executions.save({ ...execution, state: { current: 'RUNNING', histories: [...execution.state.histories, { state: 'RUNNING', date: new Date().toISOString() }] } });
}

const states = (e: Execution) => e.state.histories.map((h) => h.state);

describe('executor: flow concurrency', () => {
  it('QUEUE: one more is stored QUEUED with an INFO line and runs nothing; once the slot frees it is queued and runs', async () => {
    const s = await setup(flowSource(1));
    const first = await s.start();
    const second = await s.start();
    await holdSlot(s, first);
    const waiting = await s.run(second);
    expect(states(waiting)).toEqual(['CREATED', 'QUEUED']);
    expect(waiting.taskRunList).toEqual([]);
    expect((await s.runtime.logs.list(second)).map((l) => `${l.level} ${l.message}`)).toEqual(['INFO Flow is queued due to concurrency limit exceeded, 1 running(s), limit 1']);
    // Delivered again while still waiting: nothing changes, nothing is queued.
    expect(await s.run(second)).toEqual(waiting);
    expect(s.queued).toEqual([]);

    expect((await s.run(first)).state.current).toBe('SUCCESS');
    expect(s.queued).toEqual([second]);
    const done = await s.run(second);
    expect(states(done)).toEqual(['CREATED', 'QUEUED', 'RUNNING', 'SUCCESS']);
    expect(await s.slots()).toEqual({ running: [], queued: [] });
  });

  it('a crash between the end\'s save and the release: the job delivered again finds it ended and releases', async () => {
    let failRelease = true;
    const s = await setup(flowSource(1), {
      concurrency: (c) => ({
        ...c,
        release: async (flow, id) => {
          if (failRelease) throw new Error('worker died');
          return c.release(flow, id);
        },
      }),
    });
    const first = await s.start();
    const second = await s.start();
    await holdSlot(s, first);
    await s.run(second);
    await expect(s.run(first)).rejects.toThrow('worker died');
    expect((await s.runtime.executions.get(first))?.state.current).toBe('SUCCESS');
    expect(await s.slots()).toEqual({ running: [first], queued: [second] });
    failRelease = false;
    expect((await s.run(first)).state.current).toBe('SUCCESS');
    expect(await s.slots()).toEqual({ running: [second], queued: [] });
    expect(s.queued).toEqual([second]);
    expect((await s.run(second)).state.current).toBe('SUCCESS');
  });

  it('a delete of an ended execution whose release was lost frees its slot (what the delete route calls)', async () => {
    let failRelease = true;
    const s = await setup(flowSource(1), {
      concurrency: (c) => ({ ...c, release: async (flow, id) => (failRelease ? Promise.reject(new Error('worker died')) : c.release(flow, id)) }),
    });
    const first = await s.start();
    const second = await s.start();
    await holdSlot(s, first);
    await s.run(second);
    await expect(s.run(first)).rejects.toThrow('worker died');
    const ended = (await s.runtime.executions.get(first)) as Execution;
    expect(await s.runtime.executions.delete(first, { expected: ended })).toBe(true);
    failRelease = false;
    await releaseIfEnded(s.runtime, ended);
    expect(await s.slots()).toEqual({ running: [second], queued: [] });
    expect(s.queued).toEqual([second]);
  });

  it('a crash between the promotion and the queueing of its job: the release delivered again queues it', async () => {
    let failEnqueue = true;
    const s = await setup(flowSource(1), {
      enqueue: () => {
        if (failEnqueue) throw new Error('worker died');
      },
    });
    const first = await s.start();
    const second = await s.start();
    await holdSlot(s, first);
    await s.run(second);
    await expect(s.run(first)).rejects.toThrow('worker died');
    // Promoted in the store, its job lost: still QUEUED, and counted as holding the slot.
    expect((await s.runtime.executions.get(second))?.state.current).toBe('QUEUED');
    expect(await s.slots()).toEqual({ running: [second], queued: [] });
    failEnqueue = false;
    await s.run(first);
    expect(s.queued).toEqual([second]);
    expect(states(await s.run(second))).toEqual(['CREATED', 'QUEUED', 'RUNNING', 'SUCCESS']);
  });

  it('a lost promotion is also queued by the next execution of the flow that asks for a slot', async () => {
    let failEnqueue = true;
    const s = await setup(flowSource(1), {
      enqueue: () => {
        if (failEnqueue) throw new Error('worker died');
      },
    });
    const [first, second, third] = [await s.start(), await s.start(), await s.start()];
    await holdSlot(s, first);
    await s.run(second);
    await expect(s.run(first)).rejects.toThrow('worker died');
    failEnqueue = false;
    // Not the first's job this time: a new execution asking for a slot.
    expect((await s.run(third)).state.current).toBe('QUEUED');
    expect(s.queued).toEqual([second]);
  });

  it('CANCEL ends one more CANCELLED and FAIL ends it FAILED with an ERROR line; neither runs a task or holds a slot', async () => {
    for (const behavior of ['CANCEL', 'FAIL']) {
      const s = await setup(flowSource(1, behavior));
      const first = await s.start();
      await holdSlot(s, first);
      const refused = await s.run(await s.start());
      expect(states(refused)).toEqual(['CREATED', behavior === 'CANCEL' ? 'CANCELLED' : 'FAILED']);
      expect(refused.taskRunList).toEqual([]);
      const lines = (await s.runtime.logs.list(refused.id)).map((l) => `${l.level} ${l.message}`);
      expect(lines).toEqual([behavior === 'CANCEL'
        ? 'INFO Flow is CANCELLED due to concurrency limit exceeded, 1 running(s), limit 1'
        : 'ERROR Flow is FAILED due to concurrency limit exceeded, 1 running(s), limit 1']);
      expect(await s.slots()).toEqual({ running: [first], queued: [] });
    }
  });

  it('a new revision with another limit applies to executions created under it; those in line keep theirs', async () => {
    const s = await setup(flowSource(1));
    const first = await s.start();
    await holdSlot(s, first);
    const old = await s.start(1);
    expect((await s.run(old)).state.current).toBe('QUEUED');
    await s.save(flowSource(3));
    // Created under revision 2 (limit 3): it may not pass the older one in line.
    const newer = await s.start();
    expect((await s.run(newer)).state.current).toBe('QUEUED');
    await s.run(first);
    // The old one (limit 1) takes the freed slot; the newer (limit 3) follows at once: 2 < 3.
    // Both promoted by one release (queued in the same millisecond: in no set order), both to run at once.
    expect([...s.queued].sort()).toEqual([old, newer].sort());
    expect([...(await s.slots()).running].sort()).toEqual([old, newer].sort());
    const third = await s.start();
    expect((await s.run(third)).state.current).toBe('SUCCESS');
  });

  it('a restart after the end asks for a slot anew: it waits QUEUED while another holds it, then runs again', async () => {
    const s = await setup(flowSource(1).replace('type: test.Say\n    text: hello', 'type: test.Boom\n    message: boom'));
    const failed = await s.run(await s.start());
    expect(failed.state.current).toBe('FAILED');
    expect(await s.slots()).toEqual({ running: [], queued: [] });
    const holder = await s.start();
    await holdSlot(s, holder);
    const key = { namespace: 'company.team', id: 'limited', tenantId: 'main' };
    const flow = (await s.runtime.flows.get(key)) as NonNullable<Awaited<ReturnType<Runtime['flows']['get']>>>;
    const restarted = restartExecution(failed, { ...flow, tasks: taskIndex(flow, treeRegistry) }, new Date());
    if (!restarted.ok) throw new Error(restarted.message);
    await s.runtime.executions.save(restarted.execution);
    const waiting = await s.run(failed.id);
    expect(states(waiting).slice(-2)).toEqual(['RESTARTED', 'QUEUED']);
    await s.run(holder);
    expect(s.queued).toEqual([failed.id]);
    const again = await s.run(failed.id);
    expect(states(again).slice(-4)).toEqual(['RESTARTED', 'QUEUED', 'RUNNING', 'FAILED']);
    expect(await s.slots()).toEqual({ running: [], queued: [] });
  });

  it('a flow without concurrency never asks for a slot', async () => {
    const s = await setup(flowSource(1).replace(/concurrency:\n.*\n.*\n/, ''), {
      concurrency: () => ({ acquire: () => Promise.reject(new Error('asked')), release: () => Promise.reject(new Error('asked')), slots: () => Promise.reject(new Error('asked')) }),
    });
    expect((await s.run(await s.start())).state.current).toBe('SUCCESS');
  });

  it('a host without the port fails an execution of a flow with a limit, rather than run it unlimited', async () => {
    const s = await setup(flowSource(1));
    const { concurrency: _none, ...withoutPort } = s.runtime;
    const executor = createExecutor({ runtime: withoutPort, registry: treeRegistry, secrets: mapSecrets({}) });
    const ended = await executor.run(await s.start(), new AbortController().signal);
    expect(ended.state.current).toBe('FAILED');
    expect((await s.runtime.logs.list(ended.id)).map((l) => l.message)).toEqual(['Flow is FAILED: it has a concurrency limit of 1 and this host keeps no concurrency slots']);
  });
});

describe('admissionOf and needsSlot', () => {
  const parsed = parseFlow(flowSource(2), treeRegistry);
  if (!parsed.ok) throw new Error('the flow does not parse');
  const flow = { ...parsed.flow, revision: 1, source: '', updated: '', deleted: false };
  const execution = (state: 'CREATED' | 'QUEUED' | 'RUNNING' | 'RESTARTED' | 'PAUSED'): Execution => ({ ...createExecution({ flow }), state: newState(state, new Date(0)) });
  const now = new Date(1000);

  it('asks for a slot before a start, in line, or on a restart; not while it runs or waits', () => {
    expect(['CREATED', 'QUEUED', 'RESTARTED', 'RUNNING', 'PAUSED'].map((s) => needsSlot(execution(s as 'CREATED')))).toEqual([true, true, true, false, false]);
  });

  it('turns each answer into what the executor does', () => {
    const answer = (outcome: 'running' | 'queued' | 'refused') => ({ outcome, running: 2, promoted: [] });
    expect(admissionOf(execution('CREATED'), { limit: 2, behavior: 'QUEUE' }, answer('running'), now)).toEqual({ kind: 'run' });
    const queued = admissionOf(execution('CREATED'), { limit: 2, behavior: 'QUEUE' }, answer('queued'), now);
    expect(queued.kind === 'queued' && queued.execution?.state.histories.map((h) => h.state)).toEqual(['CREATED', 'QUEUED']);
    expect(admissionOf(execution('QUEUED'), { limit: 2, behavior: 'QUEUE' }, answer('queued'), now)).toEqual({ kind: 'queued', logs: [] });
    const failed = admissionOf(execution('CREATED'), { limit: 2, behavior: 'FAIL' }, answer('refused'), now);
    expect(failed.kind === 'ended' && [failed.state, failed.logs.map((l) => `${l.level} ${l.message}`)]).toEqual(['FAILED', ['ERROR Flow is FAILED due to concurrency limit exceeded, 2 running(s), limit 2']]);
    const cancelled = admissionOf(execution('CREATED'), { limit: 2, behavior: 'CANCEL' }, answer('refused'), now);
    expect(cancelled.kind === 'ended' && cancelled.state).toBe('CANCELLED');
  });
});
