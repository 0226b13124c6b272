import { request as httpRequest } from 'node:http';
import { raw } from './support/raw-request.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteKeys } from './support/api.js';
import { REDIS_URL, auth, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';

// The seed flow from Kestra's docs, shipped unchanged as the quick start's example.
const seed = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'server', 'examples', 'flows', 'company.team.trigger.yaml'), 'utf8');
const HOOK = '/api/v1/main/executions/webhook/company.team/trigger/4wjtkzwVGBM9yKnjm3yv8r';

interface ExecutionJson {
  id: string;
  url: string;
  state: { current: string; histories: { state: string }[] };
  trigger: { id: string; type: string; variables: { body: unknown; headers: Record<string, string[]>; parameters: Record<string, string[]> } };
}

const prefix = uniquePrefix('webhook');
const runtimes = [
  { name: 'bullmq', env: () => ({ REDIS_URL, SLUICE_REDIS_PREFIX: prefix }) },
  { name: 'sqlite', env: () => ({}) },
  { name: 'memory', env: () => ({ SLUICE_RUNTIME: 'memory' }) },
] as const;

afterAll(async () => {
  await deleteKeys(prefix);
});

describe.each(runtimes)('webhook and API on the $name runtime', ({ env }) => {
  let server: ServerProcess;
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);

  beforeAll(async () => {
    server = await startServer(['server', 'standalone'], env());
    const created = await call('/api/v1/main/flows', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: seed });
    expect(created.status).toBe(200);
    const flow = (await created.json()) as { id: string; revision: number; source: string };
    expect(flow).toMatchObject({ id: 'trigger', namespace: 'company.team', revision: 1 });
    expect(flow.source).toBe(seed);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    // No log line of the whole run carries the webhook key.
    expect(server.lines.filter((l) => l.includes('4wjtkzwVGBM9yKnjm3yv8r'))).toEqual([]);
  });

  it.each(['POST', 'GET', 'PUT'])('%s on the seed flow webhook runs the flow to SUCCESS and logs the message', async (method) => {
    const res = await call(`${HOOK}?name=john&age=12&age=13`, {
      method,
      ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json', 'x-event': 'e2e' }, body: '{"a":1}' }),
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as ExecutionJson;
    expect(created).toMatchObject({ namespace: 'company.team', flowId: 'trigger', flowRevision: 1, state: { current: 'CREATED' } });
    expect(created.id).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(created.trigger).toMatchObject({ id: 'webhook', type: 'io.kestra.plugin.core.trigger.Webhook' });
    expect(created.trigger.variables.parameters).toEqual({ name: ['john'], age: ['12', '13'] });
    expect(created.trigger.variables.body).toEqual(method === 'GET' ? null : { a: 1 });
    if (method !== 'GET') expect(created.trigger.variables.headers['x-event']).toEqual(['e2e']);
    expect(created.url).toBe(`${server.url}/ui/main/executions/company.team/trigger/${created.id}`);

    const done = await eventually(async () => {
      const e = (await (await call(`/api/v1/main/executions/${created.id}`, { headers: auth })).json()) as ExecutionJson;
      return ['SUCCESS', 'FAILED'].includes(e.state.current) ? e : undefined;
    });
    expect(done.state.current).toBe('SUCCESS');
    expect(done.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
    const logs = (await (await call(`/api/v1/main/logs/${created.id}`, { headers: auth })).json()) as { level: string; message: string; taskId: string }[];
    expect(logs.map((l) => [l.level, l.taskId, l.message])).toEqual([['INFO', 'hello', 'Hello World! 🚀']]);
    const text = await (await call(`/api/v1/main/logs/${created.id}/download`, { headers: auth })).text();
    expect(text).toContain('INFO  hello Hello World! 🚀');
  });

  it('HEAD on the webhook starts nothing: 405 with the methods it takes', async () => {
    const before = ((await (await call('/api/v1/main/executions/search?namespace=company.team&flowId=trigger', { headers: auth })).json()) as { total: number }).total;
    const res = await call(HOOK, { method: 'HEAD' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST, PUT');
    const after = ((await (await call('/api/v1/main/executions/search?namespace=company.team&flowId=trigger', { headers: auth })).json()) as { total: number }).total;
    expect(after).toBe(before);
  });

  it('the tenant-less alias reaches the same webhook', async () => {
    const res = await call(HOOK.replace('/api/v1/main/', '/api/v1/'), { method: 'POST' });
    expect(res.status).toBe(200);
  });

  it.each([
    ['an unknown namespace', '/api/v1/main/executions/webhook/company.other/trigger/4wjtkzwVGBM9yKnjm3yv8r'],
    ['an unknown flow', '/api/v1/main/executions/webhook/company.team/nope/4wjtkzwVGBM9yKnjm3yv8r'],
    ['a wrong key', '/api/v1/main/executions/webhook/company.team/trigger/wrong-key'],
    ['a key differing in case', '/api/v1/main/executions/webhook/company.team/trigger/4WJTKZWVGBM9YKNJM3YV8R'],
    ['a trailing slash', `${HOOK}/`],
    ['an extra segment', `${HOOK}/extra`],
    ['an encoded slash in the namespace', '/api/v1/main/executions/webhook/company%2Fteam/trigger/4wjtkzwVGBM9yKnjm3yv8r'],
    ['a dot-dot namespace', '/api/v1/main/executions/webhook/../trigger/4wjtkzwVGBM9yKnjm3yv8r'],
    ['an encoded dot-dot namespace', '/api/v1/main/executions/webhook/%2e%2e/trigger/4wjtkzwVGBM9yKnjm3yv8r'],
    ['dot-dot segments reaching for the flows API', '/api/v1/main/executions/webhook/../../flows/company.team'],
  ])('%s gets the uniform 404', async (_what, path) => {
    // Raw requests: fetch would resolve the dot segments before sending.
    const res = await raw(server.url, 'POST', path, '{}');
    expect(res.status).toBe(404);
    expect((JSON.parse(res.body) as { status: number }).status).toBe(404);
  });

  it('a disabled flow answers the same 404 as an unknown one', async () => {
    const disabled = seed.replace('id: trigger', 'id: disabled-flow').replace('namespace: company.team', 'namespace: company.team\ndisabled: true');
    expect((await call('/api/v1/main/flows', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: disabled })).status).toBe(200);
    const res = await call('/api/v1/main/executions/webhook/company.team/disabled-flow/4wjtkzwVGBM9yKnjm3yv8r', { method: 'POST' });
    expect(res.status).toBe(404);
    const unknown = await call('/api/v1/main/executions/webhook/company.team/unknown-flow/4wjtkzwVGBM9yKnjm3yv8r', { method: 'POST' });
    expect(await res.text()).toBe((await unknown.text()).replace('unknown-flow', 'disabled-flow'));
  });

  it('a body over the limit gets 413, with and without Content-Length', async () => {
    const limited = await startServer(['server', 'standalone'], { ...env(), SLUICE_MAX_BODY_BYTES: '1024' });
    try {
      const big = 'x'.repeat(4096);
      const res = await fetch(`${limited.url}${HOOK}`, { method: 'POST', body: big });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { status: number }).status).toBe(413);
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${limited.url}${HOOK}`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 8; i++) req.write('y'.repeat(1024));
        req.end();
      });
      expect(chunked).toBe(413);
    } finally {
      await limited.stop();
    }
  });

  it('the API needs basic auth, the webhook route does not, and no path spelling opens the API', async () => {
    const res = await call('/api/v1/main/flows/company.team/trigger');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect((await call('/api/v1/main/flows/company.team/trigger', { headers: auth })).status).toBe(200);
    // Kestra GHSA-j5cv-8rw9-vv2p: the general create route under .../webhook/<flow> stays protected.
    expect((await call('/api/v1/main/executions/webhook/some-flow', { method: 'POST' })).status).toBe(401);
    expect((await call('/api/v1/main//flows/company.team/trigger')).status).toBe(401);
    expect((await raw(server.url, 'GET', '/api/v1/main/executions/webhook/%2e%2e/%2e%2e/flows')).status).toBe(404);
    expect((await raw(server.url, 'GET', '/api/v1/main/flows/company.team/trigger/../trigger')).status).toBe(401);
    // Dot segments are never resolved by the server: this is the webhook route (extra segments: 404).
    expect((await raw(server.url, 'GET', '/api/v1/main/executions/webhook/../../flows/company.team/trigger')).status).toBe(404);
    expect((await raw(server.url, 'GET', '/api/v1/main/flows%2Fcompany.team%2Ftrigger')).status).toBe(401);
    expect((await call('/api/v1/main/flows/company.team/trigger', { headers: { authorization: 'Basic d3Jvbmc6d3Jvbmc=' } })).status).toBe(401);
  });

  it('lists the webhook URL and a ready curl command for each webhook trigger', async () => {
    const hooks = (await (await call('/api/v1/main/flows/company.team/trigger/webhooks', { headers: auth })).json()) as { url: string; curl: string }[];
    expect(hooks).toHaveLength(1);
    expect(hooks[0]!.url).toBe(`${server.url}${HOOK}`);
    expect(hooks[0]!.curl).toContain(`'${server.url}${HOOK}'`);
  });

  it('refuses an invalid flow with every error, each with path, line and column', async () => {
    const bad = 'id: bad\nnamespace: Company.Team\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Logg\n    message: hi\n';
    const res = await call('/api/v1/main/flows', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: bad });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { errors: { path: string; line: number; column: number; message: string }[] };
    expect(body.errors.map((e) => e.path).sort()).toEqual(['namespace', 'tasks[0].type']);
    for (const e of body.errors) expect(e.line).toBeGreaterThan(0);
    expect(body.errors.find((e) => e.path === 'tasks[0].type')!.message).toContain('io.kestra.plugin.core.log.Log');
  });
});
