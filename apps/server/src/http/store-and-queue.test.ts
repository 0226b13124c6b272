import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createExecution, createExecutor, engineErrors, mapSecrets, type Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { logRegistry as registry, saveFlowYaml } from '../../test/flows.js';
import { storeAndQueue } from './store-and-queue.js';

const yaml = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

async function newExecution(runtime: Runtime) {
  return createExecution({ flow: await saveFlowYaml(runtime.flows, yaml), from: 'api' });
}

const logger = pino({ level: 'silent' });
const unavailable = () => engineErrors.RUNTIME_UNAVAILABLE('enqueue execution: connection is closed', { retryable: true });

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
    await storeAndQueue({ runtime, logger }, execution);
    expect((await runtime.executions.get(execution.id))?.state.current).toBe('CREATED');
    expect((await runtime.queue.counts()).waiting).toBe(1);
  });

  it('an execution stored but not queued is CANCELLED with a log line saying why, the error is rethrown, and a worker never runs it', async () => {
    const runtime = memory();
    const enqueue = runtime.queue.enqueue.bind(runtime.queue);
    // Stored, then the queue fails: what a Redis going away between the two replies looks like.
    const failing: Runtime = { ...runtime, submit: async (e) => { await runtime.executions.create(e); throw unavailable(); } };
    const execution = await newExecution(runtime);
    await expect(storeAndQueue({ runtime: failing, logger }, execution)).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
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
    await storeAndQueue({ runtime, logger }, execution);
    await expect(storeAndQueue({ runtime, logger }, execution)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
    const stored = await runtime.executions.get(execution.id);
    expect(stored?.state.histories.map((h) => h.state)).toEqual(['CREATED']);
    expect(await runtime.logs.list(execution.id)).toEqual([]);
    expect((await runtime.queue.counts()).waiting).toBe(1);
  });

  it('when the store is gone as well, the error is rethrown and the execution stays CREATED, which nothing queues', async () => {
    const runtime = memory();
    const failing: Runtime = {
      ...runtime,
      submit: async (e) => { await runtime.executions.create(e); throw unavailable(); },
      executions: { ...runtime.executions, create: runtime.executions.create.bind(runtime.executions), get: async () => { throw unavailable(); }, save: async () => { throw unavailable(); } },
    };
    const execution = await newExecution(runtime);
    await expect(storeAndQueue({ runtime: failing, logger }, execution)).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    expect((await runtime.executions.get(execution.id))?.state.current).toBe('CREATED');
    expect((await runtime.queue.counts()).waiting).toBe(0);
  });
});
