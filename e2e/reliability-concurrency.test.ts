import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, type ExecutionJson } from './support/api.js';
import { allExecutions, countIn, finalStates, load } from './support/reliability.js';
import { bullmqRuntime } from './support/runtimes.js';
import { eventually, startServer, type ServerProcess } from './support/server-process.js';

// Issue 5, item 11: identical concurrent calls are distinct executions (nothing is deduplicated
// implicitly), and a flow updated during a load keeps each execution on the revision it was
// created with: the worker runs that revision's tasks, whatever the latest one says.

const NS = 'e2e.concurrency';
const KEY = 'concurrency-key-0123456789';

/** Revision `n` of the flow: `n` Log tasks, each saying which revision it belongs to. */
const revision = (n: number) => `id: revised
namespace: ${NS}
tasks:
${Array.from({ length: n }, (_, i) => `  - id: log${i + 1}\n    type: io.kestra.plugin.core.log.Log\n    message: "from revision ${n}"`).join('\n')}
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

describe('concurrent calls and revisions (bullmq runtime)', () => {
  const runtime = bullmqRuntime('concurrency');
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_WORKER_CONCURRENCY: '16', SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, `id: same\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ trigger.body.same }}"\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);
    await createFlow(server.url, revision(1));
  });
  afterAll(async () => {
    await server.stop();
    await runtime.cleanup();
  });

  it('50 concurrent identical webhook calls make 50 executions, each run once', async () => {
    const url = `${server.url}/api/v1/main/executions/webhook/${NS}/same/${KEY}`;
    const responses = await Promise.all(Array.from({ length: 50 }, () => fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-delivery': 'one-and-the-same' }, body: '{"same":"body"}', signal: AbortSignal.timeout(15_000),
    })));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as ExecutionJson).id));
    expect(new Set(ids).size).toBe(50);
    await eventually(async () => ((await countIn(server.url, NS, 'same', ['SUCCESS'])) === 50 ? true : undefined), 20_000, 200);
    const executions = await allExecutions(server.url, NS, 'same');
    expect(executions.map((e) => e.id).sort()).toEqual([...ids].sort());
    for (const e of executions) expect(finalStates(e)).toEqual(['SUCCESS']);
  });

  it('a flow updated during a load: each execution runs the revision it was created with', async () => {
    const url = `${server.url}/api/v1/main/executions/webhook/${NS}/revised/${KEY}`;
    let done = false;
    const loading = load(url, { parallel: 8, until: () => done });
    const updated: number[] = [];
    for (const n of [2, 3]) {
      await new Promise((r) => setTimeout(r, 700));
      const res = await api(server.url, `/api/v1/main/flows/${NS}/revised`, { method: 'PUT', headers: { 'content-type': 'application/x-yaml' }, body: revision(n) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { revision: number }).revision).toBe(n);
      updated.push(Date.now());
    }
    await new Promise((r) => setTimeout(r, 700));
    done = true;
    const outcomes = await loading;
    expect(outcomes.filter((o) => o.status !== 200)).toEqual([]);
    const acknowledged = new Map(outcomes.map((o) => [o.id!, o]));

    await eventually(async () => ((await countIn(server.url, NS, 'revised', ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'])) === acknowledged.size ? true : undefined), 30_000, 200);
    const executions = await allExecutions(server.url, NS, 'revised');
    expect(executions.length).toBe(acknowledged.size);
    const seen = new Set<number>();
    for (const e of executions) {
      seen.add(e.flowRevision);
      expect(e.state.current, e.id).toBe('SUCCESS');
      // The tasks of its own revision ran, all of them and only them.
      expect(e.taskRunList.map((t) => t.taskId), e.id).toEqual(Array.from({ length: e.flowRevision }, (_, i) => `log${i + 1}`));
      const logs = (await (await api(server.url, `/api/v1/main/logs/${e.id}`)).json()) as { message: string }[];
      expect(new Set(logs.map((l) => l.message)), e.id).toEqual(new Set([`from revision ${e.flowRevision}`]));
      // A call made well after an update (a second for the change to reach the index) gets it.
      const startedAt = acknowledged.get(e.id)!.startedAt;
      const atLeast = 1 + updated.filter((at) => startedAt > at + 1000).length;
      expect(e.flowRevision, e.id).toBeGreaterThanOrEqual(atLeast);
    }
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });
});
