import { afterEach, describe, expect, it } from 'vitest';
import { flowTriggerExamples } from '../plugins/trigger-flow/src/flow.examples.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, createFlow, deleteKeys } from './support/api.js';
import { REDIS_URL, eventually, startServer, uniquePrefix as newPrefix, type ServerProcess } from './support/server-process.js';

// Kestra's core/src/test/resources/flows/valids/trigger-flow.yaml, as it is (a pre-0.15 task type).
const TRIGGER_FLOW = `id: trigger-flow
namespace: io.kestra.tests

tasks:
  - id: only
    type: io.kestra.core.tasks.debugs.Return
    format: "from parents: {{execution.id}}"
`;
// Kestra's trigger-flow-listener.yaml as the plugin's first example holds it (its pre-0.15 trigger
// and condition types as they are; the Log task in place of Return).
const TRIGGER_FLOW_LISTENER = flowTriggerExamples[0]!.flow;
// Listens to the same ends and never matches: no trigger-flow execution fails.
const ON_FAILURE = `id: on-failure
namespace: io.kestra.tests.alerts
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.flowId }} failed"
triggers:
  - id: failed
    type: io.kestra.plugin.core.trigger.Flow
    conditions:
      - type: io.kestra.plugin.core.condition.ExecutionStatus
        in: [FAILED]
      - type: io.kestra.plugin.core.condition.ExecutionNamespace
        namespace: io.kestra
        comparison: PREFIX
      - type: io.kestra.plugin.core.condition.ExecutionFlow
        namespace: io.kestra.tests
        flowId: trigger-flow
`;

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');

// Slow enough that a worker killed mid-load holds some of them, mid-run or just ended.
const SLOW_UPSTREAM = `id: slow
namespace: e2e.flowtrigger
tasks:
  - id: wait
    type: io.sluice.test.Sleep
    ms: 150
outputs:
  - id: done
    type: STRING
    value: "{{ execution.id }}"
`;
const SLOW_DOWNSTREAM = `id: after-slow
namespace: e2e.flowtrigger.down
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ trigger.outputs.done }}"
triggers:
  - id: after
    type: io.kestra.plugin.core.trigger.Flow
    preconditions:
      id: slow_done
      flows:
        - namespace: e2e.flowtrigger
          flowId: slow
`;

interface ExecutionJson {
  id: string;
  flowId: string;
  state: { current: string };
  inputs: Record<string, unknown>;
  trigger?: { id: string; type: string; variables: Record<string, unknown> };
}

const ENDED = ['SUCCESS', 'WARNING', 'FAILED', 'KILLED', 'CANCELLED'];

async function search(url: string, query: string): Promise<{ results: ExecutionJson[]; total: number }> {
  const res = await api(url, `/api/v1/main/executions/search?size=200&${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as { results: ExecutionJson[]; total: number };
}

describe('Flow triggers over one Redis, three workers', () => {
  const processes: ServerProcess[] = [];
  const prefixes: string[] = [];
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    for (const prefix of prefixes.splice(0)) await deleteKeys(prefix);
  });

  it("N upstream executions ending start exactly N downstream executions, each with Kestra's trigger.* and inputs", async () => {
    const prefix = newPrefix('flow-trigger');
    prefixes.push(prefix);
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_WORKER_CONCURRENCY: '4', SLUICE_WORKER_LOCK_MS: '2000' };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    // Saved before the workers start, so each worker's index holds the listeners from its start
    // (a flow saved later reaches the index through the change feed, a moment after).
    for (const yaml of [TRIGGER_FLOW, TRIGGER_FLOW_LISTENER, ON_FAILURE]) await createFlow(web.url, yaml);
    for (let i = 0; i < 3; i++) processes.push(await startServer(['worker'], env));

    const N = 30;
    const upstream: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await api(web.url, '/api/v1/main/executions/io.kestra.tests/trigger-flow', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
      upstream.push(((await res.json()) as ExecutionJson).id);
    }
    const listeners = await eventually(async () => {
      const page = await search(web.url, 'namespace=io.kestra.tests&flowId=trigger-flow-listener');
      return page.total >= N && page.results.every((e) => ENDED.includes(e.state.current)) ? page : undefined;
    }, 60_000, 250);
    // Every upstream has ended too, so every firing has happened: still exactly N.
    await eventually(async () => {
      const page = await search(web.url, 'namespace=io.kestra.tests&flowId=trigger-flow');
      return page.total === N && page.results.every((e) => ENDED.includes(e.state.current)) ? true : undefined;
    }, 60_000, 250);
    const again = await search(web.url, 'namespace=io.kestra.tests&flowId=trigger-flow-listener');
    expect(again.total).toBe(N);
    expect(again.results.every((e) => e.state.current === 'SUCCESS')).toBe(true);
    expect(listeners.results.map((e) => e.trigger?.variables.executionId).sort()).toEqual([...upstream].sort());
    for (const e of listeners.results) {
      const from = e.trigger?.variables.executionId as string;
      expect(e.trigger).toEqual({
        id: 'listen-flow', type: 'io.kestra.plugin.core.trigger.Flow',
        variables: { executionId: from, namespace: 'io.kestra.tests', flowId: 'trigger-flow', flowRevision: 1, state: 'SUCCESS', outputs: {} },
      });
      expect(e.inputs).toEqual({ 'from-parent': `from parents: ${from}` });
    }
    expect((await search(web.url, 'namespace=io.kestra.tests.alerts')).total).toBe(0);
  });

  it('a worker killed with SIGKILL mid-load: every upstream end still starts exactly one downstream execution', async () => {
    const prefix = newPrefix('flow-trigger-kill');
    prefixes.push(prefix);
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: '4', SLUICE_WORKER_LOCK_MS: '2000' };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    for (const yaml of [SLOW_UPSTREAM, SLOW_DOWNSTREAM]) await createFlow(web.url, yaml);
    const doomed = await startServer(['worker'], env);
    processes.push(doomed, await startServer(['worker'], env), await startServer(['worker'], env));

    const N = 40;
    const upstream: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await api(web.url, '/api/v1/main/executions/e2e.flowtrigger/slow', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(200);
      upstream.push(((await res.json()) as ExecutionJson).id);
    }
    // Kill it once it has ended some upstream executions, with others still running.
    await doomed.waitForLine(/started e2e\.flowtrigger\.down\.after-slow/, 30_000);
    await doomed.stop('SIGKILL');
    processes.push(await startServer(['worker'], env));

    await eventually(async () => {
      const page = await search(web.url, 'namespace=e2e.flowtrigger&flowId=slow');
      return page.total === N && page.results.every((e) => ENDED.includes(e.state.current)) ? true : undefined;
    }, 60_000, 250);
    const down = await eventually(async () => {
      const page = await search(web.url, 'namespace=e2e.flowtrigger.down');
      return page.total >= N && page.results.every((e) => ENDED.includes(e.state.current)) ? page : undefined;
    }, 60_000, 250);
    expect(down.total).toBe(N);
    expect(down.results.map((e) => e.trigger?.variables.executionId).sort()).toEqual([...upstream].sort());
    expect(down.results.map((e) => (e.trigger?.variables.outputs as { done: string }).done).sort()).toEqual([...upstream].sort());
  });
});
