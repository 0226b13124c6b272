import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { createExecution, createExecutor, engineErrors, mapSecrets, withState, type Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { logRegistry as registry, saveFlowYaml } from '../../test/flows.js';
import { sameCreation, storeAndQueue, storeDeadlines } from './store-and-queue.js';

const yaml = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

async function newExecution(runtime: Runtime) {
  return createExecution({ flow: await saveFlowYaml(runtime.flows, yaml), from: 'api' });
}

const logger = pino({ level: 'silent' });
/** Stores `e` unless its id is stored already. */
async function storeOnce(runtime: Runtime, e: Parameters<Runtime['submit']>[0]): Promise<void> {
  if (!(await runtime.executions.get(e.id))) await runtime.executions.create(e);
}

/** A deadline a healthy call never meets. */
const soon = () => storeDeadlines(Date.now(), 5000);
const unavailable = () => engineErrors.RUNTIME_UNAVAILABLE('enqueue execution: connection is closed', { retryable: true });
/** What the BullMQ runtime rejects with when the connection dropped with the commands sent. */
const replyLost = () => engineErrors.RUNTIME_UNAVAILABLE('submit execution: connection lost before the reply', { retryable: true, details: { replyLost: true } });

describe('storeAndQueue', () => {
  const runtimes: Runtime[] = [];
  afterEach(async () => {
    for (const runtime of runtimes.splice(0)) await runtime.close();
  });
  const memory = () => {
    const runtime = createMemoryRuntime({ concurrency: 1 });
    runtimes.push(runtime);
    return runtime;
  };

  it('stores, then queues', async () => {
    const runtime = memory();
    const execution = await newExecution(runtime);
    await storeAndQueue({ runtime, logger }, execution, soon());
    expect((await runtime.executions.get(execution.id))?.state.current).toBe('CREATED');
    expect((await runtime.queue.counts()).waiting).toBe(1);
  });

  it('an execution stored but not queued is CANCELLED with a log line saying why, the error is rethrown, and a worker never runs it', async () => {
    const runtime = memory();
    const enqueue = runtime.queue.enqueue.bind(runtime.queue);
    // Stored, then the queue fails, on every attempt: what a Redis going away between the two
    // replies looks like. (A second attempt meets the stored id, which it leaves as it is.)
    const failing: Runtime = { ...runtime, submit: async (e) => { await storeOnce(runtime, e); throw unavailable(); } };
    const execution = await newExecution(runtime);
    await expect(storeAndQueue({ runtime: failing, logger }, execution, soon())).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    const stored = await runtime.executions.get(execution.id);
    expect(stored?.state.histories.map((h) => h.state)).toEqual(['CREATED', 'CANCELLED']);
    const logs = await runtime.logs.list(execution.id);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ level: 'ERROR' });
    expect(logs[0]!.message).toMatch(/^not queued \(.*connection is closed\): the caller was answered 503, so this execution will not run$/);
    // Even if its job had reached the queue after all (the reply lost), it does not run.
    await enqueue(execution.id);
    const executor = createExecutor({ runtime, registry, secrets: mapSecrets({}) });
    const after = await executor.run(execution.id, new AbortController().signal);
    expect(after.state.current).toBe('CANCELLED');
    expect(after.taskRunList).toEqual([]);
  });

  it('a duplicate id is rethrown and leaves the stored execution as it was', async () => {
    const runtime = memory();
    const execution = await newExecution(runtime);
    await storeAndQueue({ runtime, logger }, execution, soon());
    await expect(storeAndQueue({ runtime, logger }, execution, soon())).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
    const stored = await runtime.executions.get(execution.id);
    expect(stored?.state.histories.map((h) => h.state)).toEqual(['CREATED']);
    expect(await runtime.logs.list(execution.id)).toEqual([]);
    expect((await runtime.queue.counts()).waiting).toBe(1);
  });

  it('when the store is gone as well, the error is rethrown and the execution stays CREATED, which nothing queues', async () => {
    const runtime = memory();
    const failing: Runtime = {
      ...runtime,
      submit: async (e) => { await storeOnce(runtime, e); throw unavailable(); },
      executions: { ...runtime.executions, create: runtime.executions.create.bind(runtime.executions), get: async () => { throw unavailable(); }, save: async () => { throw unavailable(); } },
    };
    const execution = await newExecution(runtime);
    await expect(storeAndQueue({ runtime: failing, logger }, execution, soon())).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    expect((await runtime.executions.get(execution.id))?.state.current).toBe('CREATED');
    expect((await runtime.queue.counts()).waiting).toBe(0);
  });

  it('a submit whose first attempt was stored but lost its reply is sent again and recognises its own execution: resolved, stored once, queued once', async () => {
    const runtime = memory();
    let attempts = 0;
    const flaky: Runtime = {
      ...runtime,
      submit: async (e) => {
        attempts++;
        if (attempts === 1) {
          await runtime.submit(e);
          throw replyLost();
        }
        return runtime.submit(e);
      },
    };
    const execution = await newExecution(runtime);
    await storeAndQueue({ runtime: flaky, logger }, execution, soon());
    expect(attempts).toBe(2);
    expect((await runtime.executions.get(execution.id))?.state.histories.map((h) => h.state)).toEqual(['CREATED']);
    expect((await runtime.queue.counts()).waiting).toBe(1);
  });

  it('a retry that finds another execution under the id rethrows the duplicate and cancels nothing', async () => {
    const runtime = memory();
    const execution = await newExecution(runtime);
    const other = { ...execution, flowRevision: execution.flowRevision + 1 };
    let attempts = 0;
    const flaky: Runtime = {
      ...runtime,
      submit: async (e) => {
        if (++attempts === 1) {
          await runtime.executions.create(other);
          throw replyLost();
        }
        return runtime.submit(e);
      },
    };
    await expect(storeAndQueue({ runtime: flaky, logger }, execution, soon())).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
    expect(await runtime.executions.get(execution.id)).toEqual(other);
  });

  it('answers by the deadline when the store never answers, whatever is still pending', async () => {
    const runtime = memory();
    const hung: Runtime = {
      ...runtime,
      submit: () => new Promise(() => undefined),
      executions: { ...runtime.executions, get: () => new Promise(() => undefined), save: () => new Promise(() => undefined) },
      ping: () => new Promise(() => undefined),
    };
    const execution = await newExecution(runtime);
    const started = Date.now();
    await expect(storeAndQueue({ runtime: hung, logger }, execution, storeDeadlines(Date.now(), 200))).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    // One deadline for the submit and the clean-up after it, not one each.
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('clears its deadline timer once the submit is answered', async () => {
    const runtime = memory();
    const execution = await newExecution(runtime);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await storeAndQueue({ runtime: { ...runtime, submit: () => Promise.resolve() }, logger }, execution, soon());
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a submit that fails after the deadline has passed is not left unhandled', async () => {
    const runtime = memory();
    const execution = await newExecution(runtime);
    let failLate: () => void = () => undefined;
    const late = new Promise<void>((_, reject) => (failLate = () => reject(unavailable())));
    await expect(storeAndQueue({ runtime: { ...runtime, submit: () => late }, logger }, execution, storeDeadlines(Date.now(), 20)))
      .rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE', message: expect.stringContaining('no answer before the deadline') });
    failLate();
    // An unhandled rejection would fail this file; give it the turn in which it would surface.
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it('tells its own creation from another under the same id, whatever a worker did since', async () => {
    const runtime = memory();
    const execution = await newExecution(runtime);
    const running = { ...execution, state: withState(execution.state, 'RUNNING'), taskRunList: [] };
    expect(sameCreation(running, execution)).toBe(true);
    expect(sameCreation({ ...execution, flowRevision: 9 }, execution)).toBe(false);
    expect(sameCreation({ ...execution, inputs: { other: 1 } }, execution)).toBe(false);
    expect(sameCreation({ ...execution, state: { ...execution.state, histories: [{ state: 'CREATED', date: '2020-01-01T00:00:00.000Z' }] } }, execution)).toBe(false);
  });

  it('a submit refused while the store is known to be down sent nothing: no retry, no wait, 503 at once', async () => {
    const runtime = memory();
    let attempts = 0;
    const down: Runtime = { ...runtime, submit: async () => { attempts++; throw unavailable(); } };
    const execution = await newExecution(runtime);
    const started = Date.now();
    await expect(storeAndQueue({ runtime: down, logger }, execution, soon())).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    expect(attempts).toBe(1);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
