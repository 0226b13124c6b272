/**
 * `@sluice/runtime-contract`: the one test suite every runtime passes, so the engine can rely on
 * the ports' documented behaviour (ports.ts) whichever runtime the server wires.
 *
 * ```ts
 * describeRuntimeContract('memory', async () => createMemoryRuntime());
 * describeRuntimeContract('sqlite', async () => createSqliteRuntime({ dir: freshTempDir() }));
 * describeRuntimeContract('bullmq', () => createBullmqRuntime({ redisUrl, prefix }), { sharedStore: true });
 * ```
 *
 * Every test gets a fresh runtime from `makeRuntime` and closes it afterwards. Tests never rely
 * on a store being empty: they use their own tenants and ids, so runtimes that share a store
 * across tests (Redis under one prefix) pass too.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueConsumer, Runtime } from '@sluice/engine';
import { describeConcurrencyLimits } from './concurrency.contract.js';
import { describeExecutionEvents } from './events.contract.js';
import { describeExecutionControl } from './execution-control.contract.js';
import { describeExecutionRepository } from './executions.contract.js';
import { describeFlowRepository } from './flows.contract.js';
import { describeFlowTree } from './flow-tree.contract.js';
import { closeOnce, type ContractContext, type RuntimeContractOptions } from './harness.js';
import { describeKvRepository } from './kv.contract.js';
import { describeLogRepository } from './logs.contract.js';
import { describeOneJobAtATime } from './one-at-a-time.contract.js';
import { describeExecutionQueue } from './queue.contract.js';
import { describeScheduleClock } from './schedules.contract.js';
import { describeSessionRepository } from './sessions.contract.js';
import { describeSubmit } from './submit.contract.js';
import { describeSubflows } from './subflows.contract.js';
import { describeTaskRunSaves } from './task-runs.contract.js';
import { describeTriggerStateRepository } from './trigger-states.contract.js';
import { describeWaits } from './waits.contract.js';

export { aFlowRevision, aFlowToSave, aLogEntry, aTaskRun, anExecution, uniqueTenant, type FlowToSave } from './builders.js';
export type { ContractContext, RuntimeContractOptions } from './harness.js';

/**
 * Defines a vitest `describe` block that holds the runtime made by `makeRuntime` to every port's
 * documented behaviour. Set `sharedStore` when two runtimes from `makeRuntime` share one store,
 * to also check what one instance sees of another's writes, jobs and events.
 */
export function describeRuntimeContract(name: string, makeRuntime: () => Promise<Runtime>, options: RuntimeContractOptions = {}): void {
  describe(`runtime contract: ${name}`, () => {
    let current: Runtime | undefined;
    const runtimes: Runtime[] = [];
    const consumers: QueueConsumer[] = [];
    const ctx: ContractContext = {
      get runtime(): Runtime {
        if (!current) throw new Error('the contract runtime exists only inside a test');
        return current;
      },
      async another() {
        const runtime = await makeRuntime();
        runtimes.push(runtime);
        return runtime;
      },
      consume(runtime, handler, concurrency = 1) {
        const consumer = closeOnce(runtime.queue.consume(handler, { concurrency }));
        consumers.push(consumer);
        return consumer;
      },
      options: { sharedStore: false, deliveryTimeoutMs: 5000, quietMs: 300, ...options },
    };

    beforeEach(async () => {
      current = await makeRuntime();
      runtimes.push(current);
    });

    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((consumer) => consumer.close(0)));
      await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
      current = undefined;
    });

    it('names itself, says whether it is durable, and answers ping', async () => {
      expect(ctx.runtime.name).toMatch(/^\S+$/);
      expect(typeof ctx.runtime.durable).toBe('boolean');
      await expect(ctx.runtime.ping()).resolves.toBeUndefined();
    });

    describeFlowRepository(ctx);
    describeExecutionRepository(ctx);
    describeTaskRunSaves(ctx);
    describeLogRepository(ctx);
    describeExecutionQueue(ctx);
    describeOneJobAtATime(ctx);
    describeSubmit(ctx);
    describeExecutionEvents(ctx);
    describeScheduleClock(ctx);
    describeFlowTree(ctx);
    describeWaits(ctx);
    describeSubflows(ctx);
    describeExecutionControl(ctx);
    describeSessionRepository(ctx);
    describeKvRepository(ctx);
    describeTriggerStateRepository(ctx);
    describeConcurrencyLimits(ctx);
  });
}
