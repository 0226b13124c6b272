import { afterEach, describe, expect, it } from 'vitest';
import { createExecution, withState, type Execution, type Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { saveFlowYaml } from '../../test/flows.js';
import { waitForEnd } from './wait-for-end.js';

const yaml = 'id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';

const runtimes: Runtime[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
});

/** A memory runtime that counts reads of executions. */
async function counted(): Promise<{ runtime: Runtime; reads: () => number; created: Execution }> {
  const runtime = createMemoryRuntime();
  runtimes.push(runtime);
  let reads = 0;
  const created = createExecution({ flow: await saveFlowYaml(runtime.flows, yaml) });
  await runtime.executions.create(created);
  const get = runtime.executions.get.bind(runtime.executions);
  return {
    runtime: { ...runtime, executions: { ...runtime.executions, save: runtime.executions.save.bind(runtime.executions), get: (id) => (reads++, get(id)) } },
    reads: () => reads,
    created,
  };
}

const ended = (execution: Execution): Execution => ({ ...execution, state: withState(withState(execution.state, 'RUNNING'), 'SUCCESS') });

describe('waitForEnd', () => {
  it('resolves with the execution the terminal event carries, without reading it back', async () => {
    const { runtime, reads, created } = await counted();
    const wait = await waitForEnd(runtime, created.id, 5000);
    const end = ended(created);
    await runtime.executions.save(end, { announce: [{ executionId: created.id, state: 'SUCCESS', terminated: true }] });
    expect(await wait.promise).toEqual(end);
    expect(reads()).toBe(0);
  });

  it('reads the execution back when the terminal event carries none', async () => {
    const { runtime, reads, created } = await counted();
    const wait = await waitForEnd(runtime, created.id, 5000);
    const end = ended(created);
    await runtime.executions.save(end);
    await runtime.events.publish({ executionId: created.id, state: 'SUCCESS', terminated: true });
    expect(await wait.promise).toEqual(end);
    expect(reads()).toBe(1);
  });

  it('resolves undefined on timeout and on cancel, ignoring events that do not end the execution', async () => {
    const { runtime, created } = await counted();
    const timed = await waitForEnd(runtime, created.id, 50);
    await runtime.events.publish({ executionId: created.id, state: 'RUNNING', terminated: false });
    expect(await timed.promise).toBeUndefined();
    const cancelled = await waitForEnd(runtime, created.id, 5000);
    await cancelled.cancel();
    expect(await cancelled.promise).toBeUndefined();
  });
});
