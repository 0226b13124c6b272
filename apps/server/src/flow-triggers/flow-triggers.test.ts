import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { createExecution, createRegistry, flowTriggerExecutionId, mapSecrets, type Execution, type Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { createBullmqRuntime } from '@sluice/runtime-bullmq';
import flowPlugin from '@sluice/plugin-trigger-flow';
import { Redis } from 'ioredis';
import { LOG_PLUGIN, saveFlowYaml } from '../../test/flows.js';
import { createMetrics } from '../metrics.js';
import type { ServerContext } from '../server-context.js';
import type { AfterEnd } from '../worker/after-end.js';
import { startWorker, type Worker } from '../worker/worker.js';
import { startFlowTriggers, type FlowTriggers } from './flow-triggers.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const registry = createRegistry([
  { pkg: flowPlugin, info: { name: '@sluice/plugin-trigger-flow', version: '0', path: '', types: ['io.kestra.plugin.core.trigger.Flow'] } },
  LOG_PLUGIN,
]);

const upstream = `id: upstream
namespace: company.team
inputs:
  - id: n
    type: INT
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "n={{ inputs.n }}"
outputs:
  - id: rows
    type: INT
    value: "{{ inputs.n }}"
`;

// Starts for every successful end of company.team.upstream, with its flow output as an input.
const downstream = `id: downstream
namespace: company.other
inputs:
  - id: rows
    type: INT
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "rows={{ inputs.rows }} from {{ trigger.executionId }}"
triggers:
  - id: after_upstream
    type: io.kestra.plugin.core.trigger.Flow
    inputs:
      rows: "{{ trigger.outputs.rows }}"
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [SUCCESS]
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: company.team
        flowId: upstream
`;

// Never matches: waits for failures only.
const onFailure = `id: on_failure
namespace: company.other
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "failed"
triggers:
  - id: failed
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: failures
      flows:
        - namespace: company.team
          states: [FAILED]
`;

function context(runtime: Runtime): ServerContext {
  return {
    runtime, registry, secrets: mapSecrets({}), logger: pino({ level: 'silent' }), metrics: createMetrics(),
    config: { SLUICE_WORKER_CONCURRENCY: 4, SLUICE_WORKER_LOCK_MS: 2000 },
  } as unknown as ServerContext;
}

const flowKey = { tenantId: 'main', namespace: 'company.other', id: 'downstream' };

async function downstreamOf(runtime: Runtime): Promise<readonly Execution[]> {
  return (await runtime.executions.search({ tenantId: 'main', namespace: 'company.other', page: 1, size: 100 })).results;
}

const runtimes: { name: string; make: (prefix: string) => Promise<Runtime> }[] = [
  { name: 'memory', make: async () => createMemoryRuntime() },
  { name: 'bullmq', make: (prefix) => createBullmqRuntime({ redisUrl: REDIS_URL, prefix, queue: { backoffMs: 100, lockDurationMs: 2000 } }) },
];

describe.each(runtimes)('Flow triggers on the $name runtime', ({ name, make }) => {
  const open: { runtime: Runtime; worker?: Worker; triggers?: FlowTriggers; prefix: string }[] = [];
  afterEach(async () => {
    for (const { runtime, worker, triggers, prefix } of open.splice(0)) {
      await worker?.close(0);
      await triggers?.close();
      await runtime.close();
      if (name === 'bullmq') {
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      }
    }
  });

  async function setup(wrap?: (triggers: FlowTriggers) => AfterEnd) {
    const prefix = `test-flow-trigger-${Math.random().toString(36).slice(2, 10)}`;
    const runtime = await make(prefix);
    const s = context(runtime);
    for (const yaml of [upstream, downstream, onFailure]) await saveFlowYaml(runtime.flows, yaml, registry);
    const triggers = await startFlowTriggers(s);
    const worker = startWorker(s, { afterEnd: [wrap ? wrap(triggers) : triggers] });
    open.push({ runtime, worker, triggers, prefix });
    const up = (await runtime.flows.get({ tenantId: 'main', namespace: 'company.team', id: 'upstream' }))!;
    const start = async (n: number) => {
      const execution = createExecution({ flow: up, inputs: { n } });
      await runtime.submit(execution);
      return execution.id;
    };
    return { runtime, triggers, start };
  }

  it('indexes only the flows with Flow triggers, and starts one execution per matching end, with trigger.* as Kestra gives it', async () => {
    const { runtime, triggers, start } = await setup();
    expect(triggers.flows().map((f) => f.id).sort()).toEqual(['downstream', 'on_failure']);
    const ids = [await start(1), await start(2), await start(3)];
    await vi.waitFor(async () => {
      const started = await downstreamOf(runtime);
      expect(started.filter((e) => e.state.current === 'SUCCESS')).toHaveLength(3);
    }, { timeout: 15_000, interval: 50 });
    const started = await downstreamOf(runtime);
    // on_failure never started: no upstream failed.
    expect(started.map((e) => e.flowId).every((id) => id === 'downstream')).toBe(true);
    for (const [index, id] of ids.entries()) {
      const execution = started.find((e) => e.id === flowTriggerExecutionId(id, flowKey, 'after_upstream'));
      expect(execution?.trigger).toEqual({
        id: 'after_upstream', type: 'io.kestra.plugin.core.trigger.Flow',
        variables: { executionId: id, namespace: 'company.team', flowId: 'upstream', flowRevision: 1, state: 'SUCCESS', outputs: { rows: index + 1 } },
      });
      expect(execution?.inputs).toEqual({ rows: index + 1 });
      expect(execution?.labels).toContainEqual({ key: 'system.from', value: 'trigger' });
    }
    // The ends of downstream executions match nothing (on_failure wants failures, a flow never triggers itself).
    const all = (await runtime.executions.search({ tenantId: 'main', page: 1, size: 100 })).results;
    expect(all).toHaveLength(6);

    // The hook run again for an end (what a redelivered job does) starts nothing more.
    const ended = (await runtime.executions.get(ids[0]!))!;
    await triggers.run(ended);
    expect(await downstreamOf(runtime)).toHaveLength(3);
  });

  // The memory queue does not deliver a failed job again (the hook re-run above stands for it there).
  if (name === 'bullmq') it('a crash after the end is stored, before or after the hook fired, neither loses nor doubles the start', async () => {
    const calls = new Map<string, number>();
    const { runtime, start } = await setup((triggers) => ({
      name: 'crashing',
      async run(execution) {
        const n = (calls.get(execution.id) ?? 0) + 1;
        calls.set(execution.id, n);
        if (execution.flowId !== 'upstream' || n > 1) return triggers.run(execution);
        // First delivery: the first upstream "crashes" before the triggers fire, the second after.
        if (execution.inputs.n === 2) await triggers.run(execution);
        throw new Error('crash before the job is acknowledged');
      },
    }));
    const ids = [await start(1), await start(2)];
    await vi.waitFor(async () => {
      expect(ids.map((id) => calls.get(id))).toEqual([2, 2]);
      expect((await downstreamOf(runtime)).filter((e) => e.state.current === 'SUCCESS')).toHaveLength(2);
    }, { timeout: 20_000, interval: 100 });
    const started = await downstreamOf(runtime);
    expect(started.map((e) => e.id).sort()).toEqual(ids.map((id) => flowTriggerExecutionId(id, flowKey, 'after_upstream')).sort());
  });
});
