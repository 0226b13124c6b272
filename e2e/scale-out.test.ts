import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteKeys } from './support/api.js';
import { REDIS_URL, auth, eventually, startServer, uniquePrefix as newPrefix, type ServerProcess } from './support/server-process.js';

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const flow = (key: string, sleepMs: number) => `id: load
namespace: e2e.scale
tasks:
  - id: wait
    type: io.sluice.test.Sleep
    ms: ${sleepMs}
  - id: done
    type: io.kestra.plugin.core.log.Log
    message: "done {{ execution.id }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${key}
`;

/** Sends `count` webhook calls, `parallel` at a time; returns the acknowledged execution ids. */
async function fire(url: string, count: number, parallel = 16): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) {
      next++;
      const res = await fetch(`${url}/api/v1/main/executions/webhook/e2e.scale/load/scale-key-123456`, { method: 'POST', body: '{}' , headers: { 'content-type': 'application/json' } });
      expect(res.status).toBe(200);
      ids.push(((await res.json()) as { id: string }).id);
    }
  }));
  return ids;
}

async function finalStates(url: string, ids: readonly string[]): Promise<Map<string, string[]> | undefined> {
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const e = (await (await fetch(`${url}/api/v1/main/executions/${id}`, { headers: auth })).json()) as { state: { current: string; histories: { state: string }[] } };
    if (!['SUCCESS', 'FAILED'].includes(e.state.current)) return undefined;
    out.set(id, e.state.histories.map((h) => h.state).filter((s) => ['SUCCESS', 'FAILED', 'WARNING', 'KILLED'].includes(s)));
  }
  return out;
}

describe('scaling out over one Redis', () => {
  const processes: ServerProcess[] = [];
  const prefixes: string[] = [];
  const uniquePrefix = (name: string): string => {
    const prefix = newPrefix(name);
    prefixes.push(prefix);
    return prefix;
  };
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    for (const prefix of prefixes.splice(0)) await deleteKeys(prefix);
  });

  const env = (prefix: string) => ({ REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: '8', SLUICE_WORKER_LOCK_MS: '2000' });

  it('one webserver and two workers share a load; every execution finishes exactly once', async () => {
    const prefix = uniquePrefix('scale');
    const web = await startServer(['server', 'webserver'], env(prefix));
    processes.push(web);
    processes.push(await startServer(['worker'], env(prefix)), await startServer(['worker'], env(prefix)));
    expect((await fetch(`${web.url}/api/v1/main/flows`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: flow('scale-key-123456', 5) })).status).toBe(200);
    const ids = await fire(web.url, 200);
    expect(new Set(ids).size).toBe(200);
    const states = await eventually(() => finalStates(web.url, ids), 30_000, 250);
    for (const [, finals] of states) expect(finals).toEqual(['SUCCESS']);
  });

  it('a worker killed with SIGKILL mid-load: after another worker starts, every acknowledged execution ends exactly once', async () => {
    const prefix = uniquePrefix('kill');
    const web = await startServer(['server', 'webserver'], env(prefix));
    processes.push(web);
    const doomed = await startServer(['worker'], env(prefix));
    processes.push(doomed);
    expect((await fetch(`${web.url}/api/v1/main/flows`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: flow('scale-key-123456', 100) })).status).toBe(200);
    const ids = await fire(web.url, 150);
    // Let the doomed worker take jobs, then kill it in the middle of them.
    await new Promise((r) => setTimeout(r, 400));
    await doomed.stop('SIGKILL');
    processes.push(await startServer(['worker'], env(prefix)));
    const states = await eventually(() => finalStates(web.url, ids), 45_000, 250);
    expect(states.size).toBe(150);
    for (const [, finals] of states) expect(finals).toEqual(['SUCCESS']);
  });
});
