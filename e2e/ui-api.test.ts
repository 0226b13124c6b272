import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, deleteKeys, getExecution, postJson, waitForEnd, webhook, type ExecutionJson, type ProblemJson } from './support/api.js';
import { RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { REDIS_URL, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';
import { login } from './support/session.js';
import { readSse } from './support/sse.js';

// Issue 14, the API the web UI needs: logs followed live (SSE), a webhook test sent from the
// server with the real key, triggers switched on and off as new revisions, the latest
// execution of each flow, executions searched by date, and which flows are read-only.

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const HOOK_KEY = 'Secret-hook-key-3f9a1c77e2';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const json = { 'content-type': 'application/json' };

const SLOW = `id: slow
namespace: e2e.ui.api
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: "line one"
  - id: wait
    type: io.sluice.test.Sleep
    ms: 4000
  - id: last
    type: io.kestra.plugin.core.log.Log
    message: "line two"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: slow-key-0123456789
`;

const SECRET_HOOK = `id: secret
namespace: e2e.ui.api
tasks:
  - id: greet
    type: io.kestra.plugin.core.log.Log
    message: "hello {{ trigger.body.name }} {{ trigger.parameters.q[0] }} {{ trigger.headers['x-a'][0] }}"
triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 3 * * *"
    disabled: true
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: "{{ secret('HOOK_KEY') }}"
`;

const TOGGLE = `# A flow whose trigger is switched from the UI; this comment stays.
id: toggle
namespace: e2e.ui.api
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  # The hook.
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: toggle-key-0123456789   # public
`;

const simple = (namespace: string, id: string) => `id: ${id}
namespace: ${namespace}
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: hi
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${id}-key-0123456789
`;

describe.each(RUNTIMES)('the UI\'s API on the $name runtime', ({ make }) => {
  let server: ServerProcess;
  let runtime: RuntimeSetup;

  beforeAll(async () => {
    runtime = make('ui-api');
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_SHUTDOWN_GRACE_MS: '500', SECRET_HOOK_KEY: b64(HOOK_KEY) });
    for (const flow of [SLOW, SECRET_HOOK, TOGGLE]) await createFlow(server.url, flow);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
  });

  describe('GET /logs/{id}/follow', () => {
    it('sends the lines stored so far, then each new one while the execution runs, then end; the session cookie authorizes it', async () => {
      const session = await login(server.url);
      const started = (await (await webhook(server.url, 'e2e.ui.api', 'slow', 'slow-key-0123456789', { method: 'POST' })).json()) as ExecutionJson;
      const res = await fetch(`${server.url}/api/v1/main/logs/${started.id}/follow`, { headers: { cookie: session.cookie, accept: 'text/event-stream' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      // The first line arrives while the execution still runs (it sleeps 4 s after it).
      const stateAtLine: string[] = [];
      const all = await readSse(res, 'end', 15_000, async (event) => {
        if (event.event === 'log') stateAtLine.push((await getExecution(server.url, started.id)).state.current);
      });
      expect(stateAtLine[0]).toBe('RUNNING');
      expect(all.map((e) => e.event)).toEqual(['log', 'log', 'end']);
      expect(all.filter((e) => e.event === 'log').map((e) => (JSON.parse(e.data) as { message: string }).message)).toEqual(['line one', 'line two']);
      expect(JSON.parse(all.at(-1)!.data)).toEqual({ executionId: started.id, state: 'SUCCESS' });
    });

    it('answers an ended execution with its lines and end at once; filters by level; 404 for an unknown one', async () => {
      const started = (await (await postJson(server.url, 'e2e.ui.api', 'toggle', 'toggle-key-0123456789', {})).json()) as ExecutionJson;
      await waitForEnd(server.url, started.id);
      const events = await readSse(await api(server.url, `/api/v1/main/logs/${started.id}/follow`), undefined, 10_000);
      expect(events.map((e) => e.event)).toEqual(['log', 'end']);
      const warnOnly = await readSse(await api(server.url, `/api/v1/main/logs/${started.id}/follow?minLevel=WARN`), undefined, 10_000);
      expect(warnOnly.map((e) => e.event)).toEqual(['end']);
      expect((await api(server.url, '/api/v1/main/logs/6l7nSIRtxWgqNQLNpOsK1A/follow')).status).toBe(404);
      expect((await api(server.url, `/api/v1/main/logs/${started.id}/follow?minLevel=LOUD`)).status).toBe(400);
    });
  });

  describe('POST /flows/{ns}/{id}/webhooks/{triggerId}/test', () => {
    it('starts the flow as its webhook would, with the real key kept on the server, labelled system.test', async () => {
      const session = await login(server.url);
      const res = await session.call('/api/v1/main/flows/e2e.ui.api/secret/webhooks/hook/test', {
        method: 'POST', headers: json,
        body: JSON.stringify({ method: 'POST', headers: { 'Content-Type': 'application/json', 'x-a': 'b' }, query: { q: '1' }, body: '{"name":"Ada"}' }),
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      expect(text).not.toContain(HOOK_KEY);
      const started = JSON.parse(text) as ExecutionJson;
      expect(started.labels).toContainEqual({ key: 'system.test', value: 'true' });
      expect(started.trigger).toMatchObject({ id: 'hook', variables: { body: { name: 'Ada' }, parameters: { q: ['1'] }, headers: { 'x-a': ['b'] } } });
      const ended = await waitForEnd(server.url, started.id);
      expect(ended.state.current).toBe('SUCCESS');
      const logs = await (await api(server.url, `/api/v1/main/logs/${started.id}`)).text();
      expect(logs).toContain('hello Ada 1 b');
      for (const path of [`/api/v1/main/executions/${started.id}`, `/api/v1/main/logs/${started.id}`, '/api/v1/main/flows/e2e.ui.api/secret/webhooks']) {
        expect(await (await api(server.url, path)).text(), path).not.toContain(HOOK_KEY);
      }
      expect(server.lines.join('\n')).not.toContain(HOOK_KEY);
    });

    it('takes GET with query parameters only, and answers like the webhook: 404 for an unknown or non-webhook trigger, 400 for a bad request', async () => {
      const get = await api(server.url, '/api/v1/main/flows/e2e.ui.api/toggle/webhooks/hook/test', { method: 'POST', headers: json, body: JSON.stringify({ method: 'GET', query: { a: ['1', '2'] } }) });
      expect(get.status).toBe(200);
      expect(((await get.json()) as ExecutionJson).trigger?.variables.parameters).toEqual({ a: ['1', '2'] });
      for (const path of ['/flows/e2e.ui.api/nope/webhooks/hook/test', '/flows/e2e.ui.api/secret/webhooks/nope/test', '/flows/e2e.ui.api/secret/webhooks/nightly/test']) {
        const res = await api(server.url, `/api/v1/main${path}`, { method: 'POST', headers: json, body: '{}' });
        expect(res.status, path).toBe(404);
      }
      const bad = await api(server.url, '/api/v1/main/flows/e2e.ui.api/toggle/webhooks/hook/test', { method: 'POST', headers: json, body: JSON.stringify({ method: 'DELETE', extra: 1 }) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['method', 'extra']));
      // Unsafe, so a cookie alone is not enough.
      const session = await login(server.url);
      expect((await fetch(`${server.url}/api/v1/main/flows/e2e.ui.api/toggle/webhooks/hook/test`, { method: 'POST', headers: { ...json, cookie: session.cookie }, body: '{}' })).status).toBe(403);
    });
  });

  describe('PUT /flows/{ns}/{id}/triggers/{triggerId}', () => {
    it('switches a trigger off and on as new revisions, keeping the YAML as written', async () => {
      const session = await login(server.url);
      const off = await session.call('/api/v1/main/flows/e2e.ui.api/toggle/triggers/hook', { method: 'PUT', headers: json, body: JSON.stringify({ disabled: true }) });
      expect(off.status).toBe(200);
      const flow = (await off.json()) as { revision: number; source: string; readOnly: boolean; triggers: { id: string; disabled?: boolean }[] };
      expect(flow.revision).toBe(2);
      expect(flow.readOnly).toBe(false);
      expect(flow.source).toBe(TOGGLE.replace('key: toggle-key-0123456789   # public\n', 'key: toggle-key-0123456789   # public\n    disabled: true\n'));
      expect(flow.triggers[0]).toMatchObject({ id: 'hook', disabled: true });
      expect((await postJson(server.url, 'e2e.ui.api', 'toggle', 'toggle-key-0123456789', {})).status).toBe(404);
      // Asking again changes nothing.
      const again = await api(server.url, '/api/v1/main/flows/e2e.ui.api/toggle/triggers/hook', { method: 'PUT', headers: json, body: JSON.stringify({ disabled: true }) });
      expect(((await again.json()) as { revision: number }).revision).toBe(2);
      const on = await api(server.url, '/api/v1/main/flows/e2e.ui.api/toggle/triggers/hook', { method: 'PUT', headers: json, body: JSON.stringify({ disabled: false }) });
      expect(((await on.json()) as { revision: number; source: string })).toMatchObject({ revision: 3, source: TOGGLE.replace('# public\n', '# public\n    disabled: false\n') });
      expect((await postJson(server.url, 'e2e.ui.api', 'toggle', 'toggle-key-0123456789', {})).status).toBe(200);
      expect(((await (await api(server.url, '/api/v1/main/flows/e2e.ui.api/toggle/revisions')).json()) as unknown[]).length).toBe(3);
    });

    it('answers 404 for an unknown flow or trigger and 400 for a bad body', async () => {
      const put = (path: string, body: string) => api(server.url, `/api/v1/main/flows/${path}`, { method: 'PUT', headers: json, body });
      expect((await put('e2e.ui.api/nope/triggers/hook', '{"disabled":true}')).status).toBe(404);
      expect((await put('e2e.ui.api/toggle/triggers/nope', '{"disabled":true}')).status).toBe(404);
      const bad = await put('e2e.ui.api/toggle/triggers/hook', '{"disabled":"yes"}');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['disabled']);
    });
  });

  describe('POST /executions/latest and search by date', () => {
    it('answers the newest execution of each flow, or null, in the order asked', async () => {
      await createFlow(server.url, simple('e2e.ui.latest', 'a'));
      await createFlow(server.url, simple('e2e.ui.latest', 'never'));
      await createFlow(server.url, simple('e2e.ui.latest.child', 'a'));
      const older = (await (await postJson(server.url, 'e2e.ui.latest', 'a', 'a-key-0123456789', {})).json()) as ExecutionJson;
      const newer = (await (await postJson(server.url, 'e2e.ui.latest', 'a', 'a-key-0123456789', {})).json()) as ExecutionJson;
      // A flow of the same id in a child namespace, run last: not the parent's latest.
      const child = (await (await postJson(server.url, 'e2e.ui.latest.child', 'a', 'a-key-0123456789', {})).json()) as ExecutionJson;
      const res = await api(server.url, '/api/v1/main/executions/latest', {
        method: 'POST', headers: json, body: JSON.stringify([{ namespace: 'e2e.ui.latest', id: 'never' }, { namespace: 'e2e.ui.latest', id: 'a' }, { namespace: 'e2e.ui.latest.child', id: 'a' }]),
      });
      expect(res.status).toBe(200);
      const latest = (await res.json()) as (ExecutionJson | null)[];
      expect(latest.map((e) => e?.id ?? null)).toEqual([null, newer.id, child.id]);
      expect(older.id).not.toBe(newer.id);
      const bad = await api(server.url, '/api/v1/main/executions/latest', { method: 'POST', headers: json, body: JSON.stringify([{ namespace: 'x' }]) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['[0].id']);
    });

    it('filters executions by startDate and endDate; refuses a date that is not one', async () => {
      await createFlow(server.url, simple('e2e.ui.dates', 'd'));
      const before = new Date(Date.now() - 1000).toISOString();
      const started = (await (await postJson(server.url, 'e2e.ui.dates', 'd', 'd-key-0123456789', {})).json()) as ExecutionJson;
      const search = async (query: string) => {
        const res = await api(server.url, `/api/v1/main/executions/search?namespace=e2e.ui.dates&flowId=d&${query}`);
        return { query, ids: ((await res.json()) as { results: ExecutionJson[] }).results.map((e) => e.id) };
      };
      for (const [query, ids] of [[`startDate=${before}`, [started.id]], [`endDate=${before}`, []], [`startDate=${new Date(Date.now() + 60_000).toISOString()}`, []]] as const) {
        expect(await search(query)).toEqual({ query, ids: [...ids] });
      }
      const bad = await api(server.url, '/api/v1/main/executions/search?startDate=yesterday');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['startDate']);
    });
  });
});

describe('flows of the flows folder under a durable runtime', () => {
  let server: ServerProcess;
  let dir: string;
  const prefix = uniquePrefix('ui-readonly');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-flows-'));
    writeFileSync(join(dir, 'folder.yaml'), simple('e2e.ui.folder', 'folder'));
    server = await startServer(['server', 'standalone'], { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_FLOWS_DIR: dir, SLUICE_SHUTDOWN_GRACE_MS: '500' });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    await deleteKeys(prefix);
  });

  it('are read-only in the API, with the reason: 409 for a trigger switch, an update and a delete; others are not', async () => {
    const flow = (await (await api(server.url, '/api/v1/main/flows/e2e.ui.folder/folder')).json()) as { readOnly: boolean; readOnlyReason?: string };
    expect(flow.readOnly).toBe(true);
    expect(flow.readOnlyReason).toMatch(/flows folder \(SLUICE_FLOWS_DIR, file folder\.yaml\)/);
    const listed = (await (await api(server.url, '/api/v1/main/flows/search?namespace=e2e.ui.folder')).json()) as { results: { readOnly: boolean }[] };
    expect(listed.results.map((f) => f.readOnly)).toEqual([true]);
    const refusals = [
      await api(server.url, '/api/v1/main/flows/e2e.ui.folder/folder/triggers/hook', { method: 'PUT', headers: json, body: '{"disabled":true}' }),
      await api(server.url, '/api/v1/main/flows/e2e.ui.folder/folder', { method: 'PUT', headers: { 'content-type': 'application/x-yaml' }, body: simple('e2e.ui.folder', 'folder') }),
      await api(server.url, '/api/v1/main/flows/e2e.ui.folder/folder', { method: 'DELETE' }),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'FLOW_READ_ONLY', detail: expect.stringMatching(/edit the file there/) });
    }
    expect((await postJson(server.url, 'e2e.ui.folder', 'folder', 'folder-key-0123456789', {})).status).toBe(200);
    const mine = await createFlow(server.url, simple('e2e.ui.folder', 'api'));
    expect((mine as unknown as { readOnly: boolean }).readOnly).toBe(false);
    expect((await api(server.url, '/api/v1/main/flows/e2e.ui.folder/api/triggers/hook', { method: 'PUT', headers: json, body: '{"disabled":true}' })).status).toBe(200);
  });
});
