import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, type ExecutionJson } from './support/api.js';
import { sqliteRuntime } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// Internal storage through the built server: http.Download streams a file from a local server
// into SLUICE_DATA_DIR/storage, a later task read()s it, the file route serves it (with auth,
// only to the execution it belongs to), and deleting the execution deletes its files.

const NS = 'e2e.storage';
const flow = `id: fetch
namespace: ${NS}
inputs:
  - id: base
    type: STRING
tasks:
  - id: extract
    type: io.kestra.plugin.core.http.Download
    uri: "{{ inputs.base }}/data/orders.csv"
  - id: show
    type: io.kestra.plugin.core.log.Log
    message: "lines: {{ read(outputs.extract.uri) | trim | split('\\n') | length }}"
`;
const CSV = 'id,total\n1,10\n2,20\n';

describe('internal storage through the server', () => {
  const runtime = sqliteRuntime();
  let server: ServerProcess;
  let target: Server;
  let base = '';

  beforeAll(async () => {
    target = createServer((req, res) => {
      res.writeHead(req.url === '/data/orders.csv' ? 200 : 404, { 'content-type': 'text/csv' });
      res.end(req.url === '/data/orders.csv' ? CSV : 'nope');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, flow);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime.cleanup();
    target?.closeAllConnections();
    await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
  });

  it('downloads to storage, reads the file in a template, serves it, and deletes it with the execution', async () => {
    const res = await api(server.url, `/api/v1/main/executions/${NS}/fetch?wait=true`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ base }),
    });
    const execution = (await res.json()) as ExecutionJson;
    expect(execution.state.current).toBe('SUCCESS');
    const runs = (execution.taskRunList ?? []) as { taskId: string; outputs?: Record<string, unknown> }[];
    const outputs = runs.find((r) => r.taskId === 'extract')?.outputs ?? {};
    expect(outputs).toMatchObject({ code: 200, length: CSV.length });
    const uri = String(outputs.uri);
    expect(uri).toMatch(new RegExp(`^kestra:///e2e/storage/fetch/executions/${execution.id}/tasks/extract/\\w+/orders\\.csv$`));
    const logs = (await (await api(server.url, `/api/v1/main/logs/${execution.id}`)).json()) as { message: string }[];
    expect(logs.map((l) => l.message)).toContain('lines: 3');

    const file = `/api/v1/main/executions/${execution.id}/file?path=${encodeURIComponent(uri)}`;
    const got = await api(server.url, file);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toContain('filename="orders.csv"');
    expect(await got.text()).toBe(CSV);
    expect(await (await api(server.url, `/api/v1/executions/${execution.id}/file/metas?path=${encodeURIComponent(uri)}`)).json()).toEqual({ size: CSV.length });
    expect((await fetch(`${server.url}${file}`)).status).toBe(401);

    const bad = async (path: string) => {
      const answer = await api(server.url, `/api/v1/main/executions/${execution.id}/file?path=${encodeURIComponent(path)}`);
      return { status: answer.status, body: (await answer.json()) as { errors?: { path: string; code?: string }[] } };
    };
    const prefix = uri.slice(0, uri.indexOf('/tasks/'));
    for (const [path, code] of [
      [`${prefix}/tasks/%2e%2e/%2e%2e/%2e%2e/sluice.db`, 'STORAGE_INVALID_URI'],
      [`${prefix}/../../x`, 'STORAGE_INVALID_URI'],
      ['file:///etc/passwd', 'STORAGE_INVALID_URI'],
      [uri.replace(execution.id, '0000000000000000000000'), 'STORAGE_FOREIGN_URI'],
    ] as const) {
      const answer = await bad(path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.errors?.[0]).toMatchObject({ path: 'path', code });
    }
    expect((await api(server.url, `/api/v1/main/executions/${execution.id}/file`)).status).toBe(400);
    expect((await bad(`${prefix}/tasks/extract/nothing/here.csv`)).status).toBe(404);

    const folder = join(runtime.env.SLUICE_DATA_DIR as string, 'storage', 'main', 'executions', execution.id);
    expect(existsSync(folder)).toBe(true);
    expect((await api(server.url, `/api/v1/main/executions/${execution.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(folder)).toBe(false);
    expect((await api(server.url, file)).status).toBe(404);
  });

  it('fails the Download on a 404, naming the code, and the execution ends FAILED', async () => {
    const res = await api(server.url, `/api/v1/main/executions/${NS}/fetch?wait=true`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ base: `${base}/missing` }),
    });
    const execution = (await res.json()) as ExecutionJson;
    expect(execution.state.current).toBe('FAILED');
    const logs = (await (await api(server.url, `/api/v1/main/logs/${execution.id}?minLevel=ERROR`)).json()) as { message: string }[];
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringContaining("Failed http request with response code '404'"));
  });
});
