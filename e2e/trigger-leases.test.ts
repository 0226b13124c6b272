import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deleteKeys } from './support/api.js';
import { REDIS_URL, auth, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';

// Poll triggers over one Redis with two server processes (issue 18): each trigger is polled in
// exactly one process, a holder killed with SIGKILL is taken over within the lease time, and
// no event is lost or started twice; the trigger API shows and switches the state.

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const LEASE_MS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-trigger-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flow = (id: string, path: string, description = 'polls a file') => `id: ${id}
namespace: e2e.triggers
description: ${description}
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "event {{ trigger.id }}"
triggers:
  - id: file
    type: io.sluice.test.FilePoll
    path: ${path}
    intervalMs: 100
    batch: 5
`;

interface TriggerJson { triggerId: string; flowId: string; mode: string; workerId?: string; disabled: boolean; apiDisabled: boolean; executions: number; errors: number; date?: string; nextExecutionDate?: string; executionId?: string }
interface ExecutionJson { id: string; trigger: { id: string; type: string; variables: { id: string } } }

describe('poll triggers over one Redis, two processes', () => {
  const processes: ServerProcess[] = [];
  const prefix = uniquePrefix('trigger-host');
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
  });
  afterAll(async () => {
    await deleteKeys(prefix);
  });
  const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_TRIGGER_LEASE_MS: String(LEASE_MS) };
  const call = (url: string, path: string, init: RequestInit = {}) => fetch(`${url}/api/v1/main${path}`, { ...init, headers: { ...auth, ...init.headers } });
  const save = async (url: string, yaml: string, id?: string) => {
    const res = await call(url, id ? `/flows/e2e.triggers/${id}` : '/flows', { method: id ? 'PUT' : 'POST', headers: { 'content-type': 'application/x-yaml' }, body: yaml });
    expect(res.status).toBe(200);
  };
  const executions = async (url: string, flowId: string): Promise<ExecutionJson[]> =>
    ((await (await call(url, `/executions/search?namespace=e2e.triggers&flowId=${flowId}&size=500`)).json()) as { results: ExecutionJson[] }).results;
  const trigger = async (url: string, flowId: string): Promise<TriggerJson> => (await (await call(url, `/triggers/e2e.triggers/${flowId}/file`)).json()) as TriggerJson;
  /** The processes whose log shows a poll of `flowId`. */
  const pollersOf = (flowId: string): number[] =>
    processes.flatMap((p, i) => (p.lines.some((l) => l.includes(`"flow":"e2e.triggers.${flowId}"`) && l.includes('polled from')) ? [i] : []));
  const write = (path: string, from: number, to: number) => {
    for (let n = from; n < to; n++) appendFileSync(path, `${JSON.stringify({ id: `${path.slice(-6)}-${n}` })}\n`);
  };

  it('polls each trigger in exactly one process; a holder killed with SIGKILL is taken over within the lease, and no event is lost or doubled', async () => {
    const files = ['a', 'b'].map((name) => join(dir, `events-${name}.jsonl`));
    for (const file of files) writeFileSync(file, '');
    const first = await startServer(['server', 'webserver'], env);
    processes.push(first);
    const second = await startServer(['server', 'webserver'], env);
    processes.push(second);
    await save(first.url, flow('poll-a', files[0] as string));
    await save(first.url, flow('poll-b', files[1] as string));
    write(files[0] as string, 0, 40);
    write(files[1] as string, 0, 40);
    await eventually(async () => ((await executions(second.url, 'poll-a')).length === 40 && (await executions(second.url, 'poll-b')).length === 40 ? true : undefined), 20_000, 100);
    // Each trigger polled in one place, and the API names that place.
    for (const flowId of ['poll-a', 'poll-b']) {
      expect(pollersOf(flowId)).toHaveLength(1);
      const state = await trigger(second.url, flowId);
      expect(state).toMatchObject({ mode: 'poll', disabled: false, executions: 40, errors: 0 });
      expect(state.workerId).toMatch(/:\d+:/);
    }

    // Kill the holder of poll-a while events keep coming.
    const holderIndex = pollersOf('poll-a')[0] as number;
    const holder = processes[holderIndex] as ServerProcess;
    const survivor = processes[1 - holderIndex] as ServerProcess;
    const before = (await trigger(survivor.url, 'poll-a')).workerId;
    write(files[0] as string, 40, 60);
    await holder.stop('SIGKILL');
    write(files[0] as string, 60, 100);
    // Taken over once the lease ends (plus a renewal period), with room for a slow machine.
    const takenOver = await eventually(async () => {
      const state = await trigger(survivor.url, 'poll-a');
      return state.workerId !== undefined && state.workerId !== before ? state : undefined;
    }, 3 * LEASE_MS + 5000, 50);
    expect(takenOver.workerId).not.toBe(before);

    const all = await eventually(async () => {
      const list = await executions(survivor.url, 'poll-a');
      return list.length >= 100 ? list : undefined;
    }, 30_000, 100);
    // Every event once: none lost, none doubled.
    expect(all).toHaveLength(100);
    expect(new Set(all.map((e) => e.trigger.variables.id)).size).toBe(100);
    expect((await trigger(survivor.url, 'poll-a')).executions).toBe(100);
  });

  it('disables a trigger through the API, keeps it disabled across a flow update, and enables it again', async () => {
    const file = join(dir, 'events-c.jsonl');
    writeFileSync(file, '');
    const server = await startServer(['server', 'standalone'], env);
    processes.push(server);
    await save(server.url, flow('poll-c', file));
    write(file, 0, 3);
    await eventually(async () => ((await executions(server.url, 'poll-c')).length === 3 ? true : undefined), 15_000, 100);

    const put = (disabled: boolean) => call(server.url, '/triggers/e2e.triggers/poll-c/file', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ disabled }) });
    const off = await put(true);
    expect(off.status).toBe(200);
    expect(await off.json()).toMatchObject({ triggerId: 'file', disabled: true, apiDisabled: true, sourceDisabled: false, disabledBy: { kind: 'api', user: expect.any(String) } });
    await eventually(async () => ((await trigger(server.url, 'poll-c')).workerId === undefined ? true : undefined), 10_000, 100);
    await save(server.url, flow('poll-c', file, 'polls a file, edited'), 'poll-c');
    write(file, 3, 6);
    await new Promise((r) => setTimeout(r, LEASE_MS));
    expect(await executions(server.url, 'poll-c')).toHaveLength(3);
    expect(await trigger(server.url, 'poll-c')).toMatchObject({ disabled: true, apiDisabled: true });

    const search = (await (await call(server.url, '/triggers/search?namespace=e2e.triggers&q=poll-c')).json()) as { results: TriggerJson[]; total: number };
    expect(search.total).toBe(1);
    expect(search.results[0]).toMatchObject({ flowId: 'poll-c', triggerId: 'file', apiDisabled: true });
    expect((await call(server.url, '/triggers/e2e.triggers/poll-c/nope')).status).toBe(404);
    expect((await call(server.url, '/triggers/e2e.triggers/poll-c/file', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"disabled":"no"}' })).status).toBe(400);

    expect((await put(false)).status).toBe(200);
    await eventually(async () => ((await executions(server.url, 'poll-c')).length === 6 ? true : undefined), 15_000, 100);
  });

  it('disables a webhook trigger through the API: its calls get the uniform 404 until it is enabled again', async () => {
    const server = await startServer(['server', 'standalone'], env);
    processes.push(server);
    await save(server.url, `id: hooked
namespace: e2e.triggers
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: hooked
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: trigger-host-key-0123456789
`);
    const hook = () => fetch(`${server.url}/api/v1/main/executions/webhook/e2e.triggers/hooked/trigger-host-key-0123456789`, { method: 'POST' });
    const put = (disabled: boolean) => call(server.url, '/triggers/e2e.triggers/hooked/hook', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ disabled }) });
    expect((await hook()).status).toBe(200);
    expect(await (await put(true)).json()).toMatchObject({ triggerId: 'hook', mode: 'webhook', disabled: true, apiDisabled: true });
    expect((await hook()).status).toBe(404);
    expect((await put(false)).status).toBe(200);
    const last = await hook();
    expect(last.status).toBe(200);
    const { id } = (await last.json()) as { id: string };
    // The webhook's last execution and count reach its state in a batch, off the request path.
    const listed = await eventually(async () => {
      const body = (await (await call(server.url, '/triggers/e2e.triggers/hooked')).json()) as { results: TriggerJson[] };
      return body.results[0]?.executionId === id ? body : undefined;
    }, 10_000, 100);
    expect(listed.results).toMatchObject([{ triggerId: 'hook', mode: 'webhook', disabled: false, executionId: id, executions: 2 }]);
  });
});
