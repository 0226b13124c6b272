import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, REDIS_URL, auth, startServer, type ServerProcess } from './support/server-process.js';

const flow = (message: string) => `id: kept
namespace: e2e.embedded
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "${message}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: embedded-key-0123456789
`;
const HOOK = '/api/v1/main/executions/webhook/e2e.embedded/kept/embedded-key-0123456789';

describe('the in-memory runtime (SLUICE_RUNTIME=memory)', () => {
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

  it('says at start that executions are kept in memory, how many, and how to switch', async () => {
    const server = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: dataDir(), SLUICE_RUNTIME: 'memory' });
    processes.push(server);
    const line = server.lines.find((l) => l.includes('runtime memory'));
    expect(line).toMatch(/kept in memory and lost on restart \(at most 10000 executions, for 7 days\).*set REDIS_URL/);
  });

  it('keeps flows saved through the API across a restart, as files in the flows folder', async () => {
    const data = dataDir();
    const first = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data, SLUICE_RUNTIME: 'memory' });
    processes.push(first);
    const created = await fetch(`${first.url}/api/v1/main/flows`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: flow('first') });
    expect(created.status).toBe(200);
    const updated = await fetch(`${first.url}/api/v1/main/flows/e2e.embedded/kept`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: flow('second') });
    expect(updated.status).toBe(200);
    // `namespace~id~hash of the key`: readable, and never shared by two flows (issue 15, point 6).
    const files = readdirSync(join(data, 'flows'));
    expect(files).toEqual([expect.stringMatching(/^e2e\.embedded~kept~[0-9a-f]{16}\.yaml$/)]);
    expect(readFileSync(join(data, 'flows', files[0]!), 'utf8')).toBe(flow('second'));
    expect(await first.stop()).toBe(0);
    processes.pop();

    const second = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: data, SLUICE_RUNTIME: 'memory' });
    processes.push(second);
    const read = (await (await fetch(`${second.url}/api/v1/main/flows/e2e.embedded/kept`, { headers: auth })).json()) as { source: string };
    expect(read.source).toBe(flow('second'));
    expect((await fetch(`${second.url}${HOOK}`, { method: 'POST' })).status).toBe(200);

    expect((await fetch(`${second.url}/api/v1/main/flows/e2e.embedded/kept`, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect(readdirSync(join(data, 'flows'))).toEqual([]);
  });

  it('SLUICE_RUNTIME=memory wins over REDIS_URL', async () => {
    const server = await startServer(['server', 'standalone'], { SLUICE_DATA_DIR: dataDir(), REDIS_URL, SLUICE_RUNTIME: 'memory' });
    processes.push(server);
    const ready = (await (await fetch(`${server.url}/health/ready`)).json()) as { runtime: string };
    expect(ready.runtime).toBe('memory');
  });

  it.each([['server', 'webserver'], ['worker']])('refuses the %s role without Redis, with a clear message', (...args) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, SLUICE_DATA_DIR: dataDir() }, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/needs Redis: set REDIS_URL.*\[ROLE_NEEDS_REDIS\]/s);
  });

  it('names every bad setting at once', () => {
    const run = spawnSync(process.execPath, [CLI, 'server', 'standalone'], { env: { PATH: process.env.PATH, PORT: 'eighty', SLUICE_WORKER_CONCURRENCY: '0', REDIS_URL: 'http://nope' }, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('PORT');
    expect(run.stderr).toContain('SLUICE_WORKER_CONCURRENCY');
    expect(run.stderr).toContain('REDIS_URL');
    expect(run.stderr).toContain('[CONFIG_INVALID]');
  });
});
