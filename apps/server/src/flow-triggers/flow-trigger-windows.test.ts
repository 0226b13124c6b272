import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { createExecution, createRegistry, flowTriggerExecutionId, mapSecrets, type Execution, type Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { createSqliteRuntime } from '@sluice/runtime-sqlite';
import { createBullmqRuntime } from '@sluice/runtime-bullmq';
import flowPlugin from '@sluice/plugin-trigger-flow';
import { Redis } from 'ioredis';
import { LOG_PLUGIN, saveFlowYaml } from '../../test/flows.js';
import { createMetrics } from '../metrics.js';
import type { ServerContext } from '../server-context.js';
import { startWorker, type Worker } from '../worker/worker.js';
import { startFlowTriggers, type FlowTriggers } from './flow-triggers.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const root = mkdtempSync(join(tmpdir(), 'sluice-flow-windows-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;

const registry = createRegistry([
  { pkg: flowPlugin, info: { name: '@sluice/plugin-trigger-flow', version: '0', path: '', types: ['io.kestra.plugin.core.trigger.Flow'] } },
  LOG_PLUGIN,
]);

const upstream = (id: string) => `id: ${id}
namespace: company.loads
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: ${id}
`;
// Starts once orders and stock both succeeded within an hour of each other, then starts over.
const listener = `id: report
namespace: company.reports
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "both loaded, {{ trigger.flowId }} last"
triggers:
  - id: after_loads
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: loads
      timeWindow:
        type: SLIDING_WINDOW
        window: PT1H
      flows:
        - namespace: company.loads
          flowId: orders
        - namespace: company.loads
          flowId: stock
`;

function context(runtime: Runtime): ServerContext {
  return {
    runtime, registry, secrets: mapSecrets({}), logger: pino({ level: 'silent' }), metrics: createMetrics(),
    config: { SLUICE_WORKER_CONCURRENCY: 4, SLUICE_WORKER_LOCK_MS: 2000 },
  } as unknown as ServerContext;
}

const reportKey = { tenantId: 'main', namespace: 'company.reports', id: 'report' };
const reports = async (runtime: Runtime): Promise<readonly Execution[]> =>
  (await runtime.executions.search({ tenantId: 'main', namespace: 'company.reports', page: 1, size: 100 })).results;

const runtimes: { name: string; make: (prefix: string) => Promise<Runtime>; shared: boolean }[] = [
  { name: 'memory', make: async () => createMemoryRuntime(), shared: false },
  { name: 'sqlite', make: async () => createSqliteRuntime({ dir: join(root, String(dirs++)) }), shared: false },
  { name: 'bullmq', make: (prefix) => createBullmqRuntime({ redisUrl: REDIS_URL, prefix, queue: { backoffMs: 100, lockDurationMs: 2000 } }), shared: true },
];

describe.each(runtimes)('Flow-trigger windows on the $name runtime', ({ name, make, shared }) => {
  const open: { runtime: Runtime; worker?: Worker; triggers: FlowTriggers[] }[] = [];
  const prefixes: string[] = [];
  afterEach(async () => {
    for (const { runtime, worker, triggers } of open.splice(0)) {
      await worker?.close(0);
      for (const t of triggers) await t.close();
      await runtime.close();
    }
    if (name === 'bullmq') {
      const redis = new Redis(REDIS_URL);
      for (const prefix of prefixes.splice(0)) {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      }
      redis.disconnect();
    }
  });

  async function setup(hooked: boolean) {
    const prefix = `test-flow-window-${Math.random().toString(36).slice(2, 10)}`;
    prefixes.push(prefix);
    const runtime = await make(prefix);
    const s = context(runtime);
    for (const yaml of [upstream('orders'), upstream('stock'), listener]) await saveFlowYaml(runtime.flows, yaml, registry);
    const triggers = await startFlowTriggers(s);
    const worker = startWorker(s, { afterEnd: hooked ? [triggers] : [] });
    open.push({ runtime, worker, triggers: [triggers] });
    const start = async (flowId: string) => {
      const flow = (await runtime.flows.get({ tenantId: 'main', namespace: 'company.loads', id: flowId }))!;
      const execution = createExecution({ flow });
      await runtime.submit(execution);
      return execution.id;
    };
    const ended = async (id: string) => {
      await vi.waitFor(async () => expect((await runtime.executions.get(id))?.state.current).toBe('SUCCESS'), { timeout: 15_000, interval: 50 });
      return (await runtime.executions.get(id))!;
    };
    return { runtime, s, triggers, start, ended, prefix };
  }

  it('starts the flow once both upstream flows ended, for the end that completed the window, then starts over', async () => {
    const { runtime, start, ended } = await setup(true);
    await ended(await start('orders'));
    await ended(await start('orders'));
    // Only orders so far: the window waits for stock.
    expect(await reports(runtime)).toHaveLength(0);
    const stock = await start('stock');
    await ended(stock);
    await vi.waitFor(async () => expect((await reports(runtime)).filter((e) => e.state.current === 'SUCCESS')).toHaveLength(1), { timeout: 15_000, interval: 50 });
    const [report] = await reports(runtime);
    expect(report?.id).toBe(flowTriggerExecutionId(stock, reportKey, 'after_loads'));
    expect(report?.trigger?.variables).toMatchObject({ executionId: stock, flowId: 'stock', state: 'SUCCESS' });
    // resetOnSuccess (the default): stock again is not enough, orders again completes a new window.
    await ended(await start('stock'));
    const orders = await start('orders');
    await ended(orders);
    await vi.waitFor(async () => expect((await reports(runtime)).filter((e) => e.state.current === 'SUCCESS')).toHaveLength(2), { timeout: 15_000, interval: 50 });
    expect((await reports(runtime)).map((e) => e.id)).toContain(flowTriggerExecutionId(orders, reportKey, 'after_loads'));
  });

  it(`fires once per completed window when the ends that complete it are handled at the same moment${shared ? ' by two processes' : ''}, and again for a redelivered end starts nothing more`, async () => {
    const first = await setup(false);
    // A second process on the same store (Redis), or a second hook on the same runtime.
    let second: FlowTriggers = await startFlowTriggers(first.s);
    if (shared) {
      const runtime = await make(first.prefix);
      second = await startFlowTriggers(context(runtime));
      open.push({ runtime, triggers: [second] });
    } else {
      open[0]!.triggers.push(second);
    }
    const rounds = 4;
    const pairs: [Execution, Execution][] = [];
    for (let i = 0; i < rounds; i++) pairs.push([await first.ended(await first.start('orders')), await first.ended(await first.start('stock'))]);
    for (const [orders, stock] of pairs) await Promise.all([first.triggers.run(orders), second.run(stock)]);
    // Every end handled again (a redelivered job), on the other process.
    for (const [orders, stock] of pairs) await Promise.all([second.run(orders), first.triggers.run(stock)]);
    const started = await reports(first.runtime);
    expect(started).toHaveLength(rounds);
    for (const [orders, stock] of pairs) {
      const ids = [flowTriggerExecutionId(orders.id, reportKey, 'after_loads'), flowTriggerExecutionId(stock.id, reportKey, 'after_loads')];
      expect(started.filter((e) => ids.includes(e.id))).toHaveLength(1);
    }
  });
});
