import { describe, expect, it } from 'vitest';
import { Type, defineTask, definePluginPackage } from '@sluice/core';
import { createExecution, createExecutor, createRegistry, mapSecrets, requestKill, parseFlow, type Execution, type PluginRegistry, type Runtime } from '@sluice/engine';
import { uniqueTenant } from './builders.js';
import { deferred, type ContractContext } from './harness.js';

/** The signals the waiting task got, by execution id, and a way to hear when it started. */
const started = new Map<string, { signal: AbortSignal }>();
const startedNow = new Set<(executionId: string) => void>();

const wait = defineTask({
  type: 'contract.WaitForAbort',
  title: 'Wait for abort',
  description: 'Runs until its abort signal fires.',
  props: Type.Object({}, { additionalProperties: false }),
  output: Type.Object({}),
  examples: [{ title: 'Wait', flow: 'id: w\nnamespace: n\ntasks:\n  - id: w\n    type: contract.WaitForAbort\n' }],
  run(ctx) {
    started.set(ctx.ids.executionId, { signal: ctx.signal });
    for (const listener of startedNow) listener(ctx.ids.executionId);
    return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true }));
  },
});

const registry: PluginRegistry = createRegistry([{ pkg: definePluginPackage({ tasks: [wait] }), info: { name: 'contract-control', version: '0.0.0', path: '/', types: [] } }]);

const source = `id: killed
namespace: contract.control
tasks:
  - id: wait
    type: contract.WaitForAbort
  - id: never
    type: contract.WaitForAbort
`;

/** What the kill route does, from `runtime`: KILLING stored in place of what it read, then announced. */
async function kill(runtime: Runtime, id: string): Promise<void> {
  const read = (await runtime.executions.get(id)) as Execution;
  const outcome = await requestKill(runtime, read, new Date());
  if (outcome !== 'killing') throw new Error(`execution ${id} is ${read.state.current}: ${outcome}`);
}

/** Execution control across the runtime: a kill stored by one process reaches the plugin another runs. */
export function describeExecutionControl(ctx: ContractContext): void {
  describe('execution control', () => {
    it('a kill reaches the running task in the worker (its abort signal fires) and ends the execution KILLED', async () => {
      const parsed = parseFlow(source, registry, { tenantId: uniqueTenant() });
      if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
      const { runtime } = ctx;
      // Under a shared store the kill comes from another instance, as from a webserver.
      const api = ctx.options.sharedStore ? await ctx.another() : runtime;
      const flow = await runtime.flows.save({ ...parsed.flow, source });
      const execution = createExecution({ flow });
      const running = deferred();
      const onStart = (id: string) => id === execution.id && running.resolve();
      startedNow.add(onStart);
      const ended = deferred<Execution | undefined>();
      const unsubscribe = await api.events.subscribe(execution.id, (event) => event.terminated && ended.resolve(event.execution));
      const executor = createExecutor({ runtime, registry, secrets: mapSecrets({}) });
      ctx.consume(runtime, async (id, signal, queued) => {
        await executor.run(id, signal, queued);
      });
      try {
        await runtime.submit(execution);
        await running.promise;
        await kill(api, execution.id);
        await ended.promise;
      } finally {
        startedNow.delete(onStart);
        await unsubscribe();
      }
      expect(started.get(execution.id)?.signal.aborted).toBe(true);
      const stored = (await api.executions.get(execution.id)) as Execution;
      expect(stored.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'KILLING', 'KILLED']);
      expect(stored.taskRunList.map((r) => `${r.taskId} ${r.state.current} ${r.attempts.map((a) => a.state.current).join(',')}`)).toEqual(['wait KILLED KILLED']);
      started.delete(execution.id);
    });
  });
}
