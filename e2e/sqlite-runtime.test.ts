import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createFlow, deleteKeys, TERMINAL, waitForEnd, type ExecutionJson } from './support/api.js';
import { CLI, REDIS_URL, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';
import { login } from './support/session.js';

const flow = (message: string) => `id: kept
namespace: e2e.sqlite
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "${message}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: sqlite-key-0123456789
`;
const HOOK = '/api/v1/main/executions/webhook/e2e.sqlite/kept/sqlite-key-0123456789';
const TRIGGER = '/api/v1/main/triggers/e2e.sqlite/kept/hook';
const KV_WRITER = `id: kv-writer
namespace: e2e.sqlite
tasks:
  - id: set
    type: io.kestra.plugin.core.kv.Set
    key: moved
    value: kept across stores
`;
const KV_READER = `id: kv-reader
namespace: e2e.sqlite
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "read: {{ kv('moved') }}"
`;

/** Starts a flow of e2e.sqlite through the API; resolves with the execution's id. */
async function startByApi(base: string, flowId: string): Promise<string> {
  const res = await api(base, `/api/v1/main/executions/e2e.sqlite/${flowId}`, { method: 'POST' });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { id: string }).id;
}

/** Runs the CLI to its end with only the given environment. */
const cli = (args: readonly string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, SLUICE_LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 30_000 });

/** A tmpfs of `sizeMb` mounted at a new folder, or undefined where mounting is not allowed (not root). */
function mountTmpfs(sizeMb: number): { dir: string; unmount(): void } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-mnt-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return { dir, unmount: () => { execFileSync('umount', ['-l', dir], { stdio: 'ignore' }); rmSync(dir, { recursive: true, force: true }); } };
}

describe('the default runtime without Redis: SQLite', () => {
  const dirs: string[] = [];
  const processes: ServerProcess[] = [];
  const dataDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('names its file and its retention at start, and keeps flows, executions and logs across a restart', async () => {
    const data = dataDir();
    const first = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
    processes.push(first);
    expect(first.lines.find((l) => l.includes('runtime sqlite'))).toContain(`executions are stored in ${join(data, 'sluice.db')} (synchronous normal), kept for 7 days and at most 100000, 10000 log lines each`);
    await createFlow(first.url, flow('before'));
    const id = ((await (await fetch(`${first.url}${HOOK}`, { method: 'POST' })).json()) as { id: string }).id;
    await waitForEnd(first.url, id);
    expect(await first.stop()).toBe(0);
    processes.pop();
    // The flows folder is the memory runtime's: SQLite keeps flows in the database.
    expect(readdirSync(data).sort()).toEqual(expect.arrayContaining(['sluice.db']));
    expect(readdirSync(data)).not.toContain('flows');

    const second = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
    processes.push(second);
    expect(((await (await api(second.url, '/api/v1/main/flows/e2e.sqlite/kept')).json()) as { source: string }).source).toBe(flow('before'));
    expect(((await (await api(second.url, `/api/v1/main/executions/${id}`)).json()) as ExecutionJson).state.current).toBe('SUCCESS');
    expect(((await (await api(second.url, `/api/v1/main/logs/${id}`)).json()) as { message: string }[]).map((l) => l.message)).toContain('before');
  });

  it('keeps a web UI login session across a restart', async () => {
    const data = dataDir();
    const first = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
    processes.push(first);
    const session = await login(first.url);
    await first.stop();
    processes.pop();
    const second = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
    processes.push(second);
    const me = await fetch(`${second.url}/api/v1/me`, { headers: { cookie: session.cookie, 'x-requested-with': 'XMLHttpRequest' } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { csrfToken: string }).csrfToken).toBe(session.csrfToken);
  });

  it('imports once the flows the memory runtime left in the data folder', async () => {
    const data = dataDir();
    mkdirSync(join(data, 'flows'));
    writeFileSync(join(data, 'flows', 'e2e.sqlite.kept.yaml'), flow('from the folder'));
    const first = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
    processes.push(first);
    expect(first.lines.some((l) => /flows of the memory runtime in .*: 1 imported/.test(l))).toBe(true);
    expect((await api(first.url, '/api/v1/main/flows/e2e.sqlite/kept', { method: 'DELETE' })).status).toBe(204);
    await first.stop();
    processes.pop();
    // Not read again: the deletion holds.
    const second = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
    processes.push(second);
    expect((await api(second.url, '/api/v1/main/flows/e2e.sqlite/kept')).status).toBe(404);
  });

  it('refuses a second process on the same data folder, naming the file', async () => {
    const data = dataDir();
    processes.push(await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data }));
    const run = cli(['server', 'standalone'], { SLUICE_DATA_DIR: data, PORT: '0' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`the database ${join(data, 'sluice.db')} is held by another Sluice process`);
    expect(run.stderr).toContain('[SQLITE_LOCKED]');
  });

  it('refuses a database file that is not one, naming it and how to recover', () => {
    const data = dataDir();
    writeFileSync(join(data, 'sluice.db'), 'not a database '.repeat(400));
    const run = cli(['server', 'standalone'], { SLUICE_DATA_DIR: data, PORT: '0' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/the database .*sluice\.db is corrupt .*\.recover.*\[SQLITE_CORRUPT\]/s);
  });

  it('refuses the embedded runtimes in the webserver and worker roles', () => {
    const run = cli(['worker'], { SLUICE_DATA_DIR: dataDir(), SLUICE_RUNTIME: 'sqlite' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('[ROLE_NEEDS_REDIS]');
  });

  it('moves flows, executions, key-value entries and trigger states to Redis with sluice export and sluice import', async () => {
    const data = dataDir();
    const server = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
    processes.push(server);
    await createFlow(server.url, flow('moved'));
    const id = ((await (await fetch(`${server.url}${HOOK}`, { method: 'POST' })).json()) as { id: string }).id;
    await waitForEnd(server.url, id);
    await createFlow(server.url, KV_WRITER);
    await waitForEnd(server.url, await startByApi(server.url, 'kv-writer'));
    const paused = await api(server.url, TRIGGER, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"disabled":true}' });
    expect(paused.status, await paused.text()).toBe(200);
    const exportDir = join(dataDir(), 'export');
    // The file is locked while the server runs: the export says so, then works once it stopped.
    expect(cli(['export', exportDir], { SLUICE_DATA_DIR: data }).stderr).toContain('[SQLITE_LOCKED]');
    await server.stop();
    processes.pop();
    const exported = cli(['export', exportDir, '--executions'], { SLUICE_DATA_DIR: data });
    expect(exported.stdout).toContain(`exported 2 flows, 1 key-value entries, 1 trigger states and 2 executions to ${exportDir}`);

    const prefix = uniquePrefix('sqlite-export');
    try {
      const imported = cli(['import', exportDir], { REDIS_URL, SLUICE_REDIS_PREFIX: prefix });
      expect(imported.stdout).toContain('imported 2 flows, 1 key-value entries, 1 trigger states and 2 executions (0 already there)');
      const onRedis = await startServer(['server', 'standalone'], { REDIS_URL, SLUICE_REDIS_PREFIX: prefix });
      processes.push(onRedis);
      expect(((await (await api(onRedis.url, '/api/v1/main/flows/e2e.sqlite/kept')).json()) as { source: string }).source).toBe(flow('moved'));
      expect(((await (await api(onRedis.url, `/api/v1/main/executions/${id}`)).json()) as ExecutionJson).state.current).toBe('SUCCESS');
      expect(((await (await api(onRedis.url, `/api/v1/main/logs/${id}`)).json()) as { message: string }[]).map((l) => l.message)).toContain('moved');
      // The trigger paused through the API stays paused, and the entry kv.Set wrote reads back.
      expect(((await (await api(onRedis.url, TRIGGER)).json()) as { disabled: boolean }).disabled).toBe(true);
      expect((await fetch(`${onRedis.url}${HOOK}`, { method: 'POST' })).status).toBe(404);
      await createFlow(onRedis.url, KV_READER);
      const read = await waitForEnd(onRedis.url, await startByApi(onRedis.url, 'kv-reader'));
      expect(read.state.current).toBe('SUCCESS');
      expect(((await (await api(onRedis.url, `/api/v1/main/logs/${read.id}`)).json()) as { message: string }[]).map((l) => l.message)).toContain('read: kept across stores');
    } finally {
      await Promise.all(processes.splice(0).map((p) => p.stop()));
      await deleteKeys(prefix);
    }
  });

  // A disk cannot be filled safely on a shared machine: a small tmpfs stands in for it.
  const small = mountTmpfs(48);
  it.runIf(small)('answers 503 while its disk is full, loses nothing acknowledged, and recovers when space returns', async () => {
    const data = join(small!.dir, 'data');
    try {
      const server = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data });
      processes.push(server);
      await createFlow(server.url, flow('disk'));
      const acknowledged: string[] = [];
      const statuses: number[] = [];
      const fire = async (): Promise<void> => {
        const res = await fetch(`${server.url}${HOOK}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(4000) }) });
        statuses.push(res.status);
        if (res.status === 200) acknowledged.push(((await res.json()) as { id: string }).id);
        else await res.text();
      };
      for (let i = 0; i < 20; i++) await fire();
      // Fill what is left of the file system.
      try {
        writeFileSync(join(small!.dir, 'filler'), Buffer.alloc(64 * 1024 * 1024));
      } catch {
        // ENOSPC: full, which is the point.
      }
      for (let i = 0; i < 200 && !statuses.includes(503); i++) await fire();
      expect(statuses).toContain(503);
      const refused = await fetch(`${server.url}${HOOK}`, { method: 'POST', body: JSON.stringify({ pad: 'x'.repeat(4000) }), headers: { 'content-type': 'application/json' } });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).not.toBeNull();
      rmSync(join(small!.dir, 'filler'));
      await eventually(async () => {
        await fire();
        return statuses.at(-1) === 200 ? true : undefined;
      }, 30_000, 200);
      for (const id of acknowledged) {
        const end = await waitForEnd(server.url, id, 60_000);
        expect(TERMINAL).toContain(end.state.current);
      }
      expect((await api(server.url, '/health/ready')).status).toBe(200);
      await server.stop();
      processes.pop();
    } finally {
      small!.unmount();
    }
  });
});
