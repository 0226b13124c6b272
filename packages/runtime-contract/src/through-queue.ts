import { expect, vi } from 'vitest';
import { createExecutor, mapSecrets, type Execution, type PluginRegistry, type Runtime } from '@sluice/engine';
import type { ContractContext } from './harness.js';

/** Starts a worker on `runtime`'s queue that runs each job through the executor; closed after the test. */
export function startWorker(ctx: ContractContext, runtime: Runtime, registry: PluginRegistry, concurrency = 1): void {
  const executor = createExecutor({ runtime, registry, secrets: mapSecrets({}) });
  ctx.consume(runtime, async (id, signal, queued) => {
    await executor.run(id, signal, queued);
  }, concurrency);
}

/** Reads the execution until `done` holds for it, for at most `factor` delivery timeouts. */
export async function untilExecution(ctx: ContractContext, runtime: Runtime, id: string, done: (e: Execution) => boolean, factor = 2): Promise<Execution> {
  let found: Execution | undefined;
  await vi.waitFor(async () => {
    found = await runtime.executions.get(id);
    expect(found && done(found), `execution ${id} is ${found?.state.current}`).toBe(true);
  }, { timeout: ctx.options.deliveryTimeoutMs * factor, interval: 25 });
  return found as Execution;
}

/** True once the execution has ended, in any final state. */
export const ended = (e: Execution): boolean => ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED'].includes(e.state.current);
