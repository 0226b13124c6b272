import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, waitForEnd, webhook, type ExecutionJson, type ProblemJson } from './support/api.js';
import { readSse } from './support/sse.js';
import { RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { auth, startServer, type ServerProcess } from './support/server-process.js';

// The API routes of issue 3 against the built server: flows, executions (search, follow, run
// by hand), logs, plugins, and the routes outside /api (ping, health, metrics).

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const LOG = 'io.kestra.plugin.core.log.Log';
const WEBHOOK = 'io.kestra.plugin.core.trigger.Webhook';

interface FlowJson { id: string; namespace: string; revision: number; source: string; description?: string; disabled: boolean }
interface Page<T> { results: T[]; total: number }
interface LogJson { level: string; message: string; taskId?: string; executionId: string; timestamp: string }

const crud = (description: string, message: string, id = 'crud') => `id: ${id}
namespace: e2e.api.crud
description: ${description}
tasks:
  - id: hello
    type: ${LOG}
    message: ${message}
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: crud-key-0123456789
`;

const simple = (namespace: string, id: string, message: string, key: string) => `id: ${id}
namespace: ${namespace}
tasks:
  - id: hello
    type: ${LOG}
    message: "${message}"
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: ${key}
`;

describe.each(RUNTIMES)('API routes on the $name runtime', ({ make }) => {
  let server: ServerProcess;
  let runtime: RuntimeSetup;
  const yaml = { 'content-type': 'application/x-yaml' };

  beforeAll(async () => {
    runtime = make('api');
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_SHUTDOWN_GRACE_MS: '500', SLUICE_WORKER_CONCURRENCY: '1' });
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
  });

  describe('flows', () => {
    it('create, conflict, update, revisions, read a revision, search, delete', async () => {
      const first = crud('first revision', 'one');
      const created = await api(server.url, '/api/v1/main/flows', { method: 'POST', headers: yaml, body: first });
      expect(created.status).toBe(200);
      expect(await created.json()).toMatchObject({ id: 'crud', namespace: 'e2e.api.crud', revision: 1, description: 'first revision', disabled: false, source: first });

      const again = await api(server.url, '/api/v1/main/flows', { method: 'POST', headers: yaml, body: first });
      expect(again.status).toBe(409);
      expect(((await again.json()) as ProblemJson).status).toBe(409);

      const second = crud('second revision', 'two');
      const updated = await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud', { method: 'PUT', headers: yaml, body: second });
      expect(updated.status).toBe(200);
      expect(await updated.json()).toMatchObject({ revision: 2, description: 'second revision', source: second });

      // The body names another flow than the path: refused, nothing saved.
      const renamed = await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud', { method: 'PUT', headers: yaml, body: crud('renamed', 'x', 'other-id') });
      expect(renamed.status).toBe(422);
      expect(((await renamed.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['id']);
      const missing = await api(server.url, '/api/v1/main/flows/e2e.api.crud/nope', { method: 'PUT', headers: yaml, body: crud('x', 'x', 'nope') });
      expect(missing.status).toBe(404);

      const latest = (await (await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud')).json()) as FlowJson;
      expect(latest).toMatchObject({ revision: 2, source: second });
      const old = await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud?revision=1');
      expect(old.status).toBe(200);
      expect(await old.json()).toMatchObject({ revision: 1, description: 'first revision', source: first });
      expect((await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud?revision=7')).status).toBe(404);
      const revisions = (await (await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud/revisions')).json()) as FlowJson[];
      expect(revisions.map((r) => [r.revision, r.source])).toEqual([[1, first], [2, second]]);

      // The webhook runs the latest revision.
      const run = await webhook(server.url, 'e2e.api.crud', 'crud', 'crud-key-0123456789', { method: 'POST' });
      expect(run.status).toBe(200);
      const execution = (await run.json()) as ExecutionJson;
      expect(execution.flowRevision).toBe(2);
      await waitForEnd(server.url, execution.id);
      const logs = (await (await api(server.url, `/api/v1/main/logs/${execution.id}`)).json()) as LogJson[];
      expect(logs.map((l) => l.message)).toEqual(['two']);

      await createFlow(server.url, simple('e2e.api.crud', 'another', 'another', 'another-key-0123456789'));
      await createFlow(server.url, simple('e2e.api.elsewhere', 'crud-lookalike', 'x', 'lookalike-key-0123456789'));
      const byNamespace = (await (await api(server.url, '/api/v1/main/flows/search?namespace=e2e.api.crud')).json()) as Page<FlowJson>;
      expect(byNamespace.total).toBe(2);
      expect(byNamespace.results.map((f) => f.id)).toEqual(['another', 'crud']);
      const byQuery = (await (await api(server.url, '/api/v1/main/flows/search?namespace=e2e.api.crud&q=ANOTH')).json()) as Page<FlowJson>;
      expect(byQuery.results.map((f) => `${f.namespace}.${f.id}`)).toEqual(['e2e.api.crud.another']);
      expect(byQuery.total).toBe(1);
      const anywhere = (await (await api(server.url, '/api/v1/main/flows/search?q=crud')).json()) as Page<FlowJson>;
      expect(anywhere.results.map((f) => `${f.namespace}.${f.id}`)).toEqual(expect.arrayContaining(['e2e.api.crud.crud', 'e2e.api.elsewhere.crud-lookalike']));
      const paged = (await (await api(server.url, '/api/v1/main/flows/search?namespace=e2e.api.crud&size=1&page=2')).json()) as Page<FlowJson>;
      expect(paged).toMatchObject({ total: 2, results: [{ id: 'crud' }] });

      const deleted = await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud', { method: 'DELETE' });
      expect(deleted.status).toBe(204);
      expect((await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud')).status).toBe(404);
      expect((await api(server.url, '/api/v1/main/flows/e2e.api.crud/crud', { method: 'DELETE' })).status).toBe(404);
      const gone = await webhook(server.url, 'e2e.api.crud', 'crud', 'crud-key-0123456789', { method: 'POST' });
      expect(gone.status).toBe(404);
      const unknown = await webhook(server.url, 'e2e.api.crud', 'never-was', 'crud-key-0123456789', { method: 'POST' });
      expect(await gone.text()).toBe((await unknown.text()).replace('never-was', 'crud'));
      const search = (await (await api(server.url, '/api/v1/main/flows/search?namespace=e2e.api.crud')).json()) as Page<FlowJson>;
      expect(search.results.map((f) => f.id)).toEqual(['another']);
    });

    it('validate checks several YAML documents without saving them', async () => {
      const good = simple('e2e.api.validate', 'good', 'fine', 'validate-good-key-0123');
      const bad = 'id: bad\nnamespace: e2e.api.validate\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Logg\n    message: hi\n';
      const res = await api(server.url, '/api/v1/main/flows/validate', { method: 'POST', headers: yaml, body: `${good}---\n${bad}` });
      expect(res.status).toBe(200);
      const results = (await res.json()) as { index: number; flow?: string; namespace?: string; constraints?: string; errors?: { path: string; line: number; column: number; message: string }[] }[];
      expect(results).toHaveLength(2);
      expect(results[0]).toMatchObject({ index: 0, flow: 'good', namespace: 'e2e.api.validate' });
      expect(results[0]!.errors).toBeUndefined();
      expect(results[1]!.index).toBe(1);
      expect(results[1]!.errors?.map((e) => e.path)).toEqual(['tasks[0].type']);
      expect(results[1]!.errors?.[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
      expect(results[1]!.errors![0]!.line).toBeGreaterThan(0);
      expect(results[1]!.constraints).toContain('tasks[0].type');
      expect((await api(server.url, '/api/v1/main/flows/e2e.api.validate/good')).status).toBe(404);
    });

    it('validate accepts an input declared with name: and names it in deprecationPaths, as Kestra does', async () => {
      const named = 'id: named\nnamespace: e2e.api.validate\ninputs:\n  - name: user\n    type: STRING\ntasks:\n  - id: a\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ inputs.user }}"\n';
      const res = await api(server.url, '/api/v1/main/flows/validate', { method: 'POST', headers: yaml, body: named });
      const [result] = (await res.json()) as { flow?: string; errors?: unknown; deprecationPaths?: string[]; warnings?: string[] }[];
      expect(result).toMatchObject({ flow: 'named', deprecationPaths: ['inputs[0].name'] });
      expect(result?.errors).toBeUndefined();
      expect(result?.warnings?.[0]).toContain("'name' is deprecated, use 'id'");
    });
  });

  describe('executions', () => {
    it('search is newest first, paged, and filters by namespace, flowId and state', async () => {
      const ns = 'e2e.api.search';
      await createFlow(server.url, simple(ns, 'ok', 'ok', 'search-ok-key-0123456789'));
      await createFlow(server.url, simple(ns, 'ko', '{{ missing.variable }}', 'search-ko-key-0123456789'));
      const ids: string[] = [];
      for (const [flowId, key] of [['ok', 'search-ok-key-0123456789'], ['ko', 'search-ko-key-0123456789'], ['ok', 'search-ok-key-0123456789'], ['ok', 'search-ok-key-0123456789'], ['ko', 'search-ko-key-0123456789'], ['ok', 'search-ok-key-0123456789'], ['ok', 'search-ok-key-0123456789']] as const) {
        const res = await webhook(server.url, ns, flowId, key, { method: 'POST' });
        expect(res.status).toBe(200);
        ids.push(((await res.json()) as ExecutionJson).id);
        await sleep(5);
      }
      for (const id of ids) await waitForEnd(server.url, id);
      const search = async (query: string) => {
        const res = await api(server.url, `/api/v1/main/executions/search?${query}`);
        expect(res.status).toBe(200);
        return (await res.json()) as Page<ExecutionJson>;
      };

      const pages = [await search(`namespace=${ns}&size=3&page=1`), await search(`namespace=${ns}&size=3&page=2`), await search(`namespace=${ns}&size=3&page=3`)];
      expect(pages.map((p) => p.total)).toEqual([7, 7, 7]);
      expect(pages.map((p) => p.results.length)).toEqual([3, 3, 1]);
      expect(pages.flatMap((p) => p.results.map((e) => e.id))).toEqual([...ids].reverse());
      expect(await search(`namespace=${ns}&size=3&page=4`)).toEqual({ results: [], total: 7 });

      expect((await search(`namespace=${ns}&flowId=ok`)).total).toBe(5);
      const failed = await search(`namespace=${ns}&state=FAILED`);
      expect(failed.total).toBe(2);
      expect(failed.results.map((e) => [e.flowId, e.state.current])).toEqual([['ko', 'FAILED'], ['ko', 'FAILED']]);
      expect((await search(`namespace=${ns}&flowId=ok&state=SUCCESS`)).total).toBe(5);
      expect((await search(`namespace=${ns}&state=SUCCESS,FAILED`)).total).toBe(7);
      expect((await search(`namespace=${ns}&state=SUCCESS&state=FAILED`)).total).toBe(7);
      expect((await search(`namespace=${ns}&state=RUNNING`)).total).toBe(0);
      expect((await search('namespace=e2e.api.nothing-here')).total).toBe(0);
      const bad = await api(server.url, '/api/v1/main/executions/search?state=DONE');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as ProblemJson).errors?.[0]?.path).toBe('state');
    });

    it('follow streams start, progress and end for a queued execution, and start then end for a finished one', async () => {
      await createFlow(server.url, `id: slow
namespace: e2e.api.follow
tasks:
  - id: nap
    type: io.sluice.test.Sleep
    ms: 500
  - id: done
    type: ${LOG}
    message: done
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: follow-key-0123456789
`);
      // The worker runs one execution at a time (SLUICE_WORKER_CONCURRENCY=1): the second waits
      // in the queue behind the first, so its stream starts CREATED and sees it start RUNNING.
      const fire = async () => ((await (await webhook(server.url, 'e2e.api.follow', 'slow', 'follow-key-0123456789', { method: 'POST' })).json()) as ExecutionJson).id;
      const first = await fire();
      const id = await fire();
      const stream = await api(server.url, `/api/v1/main/executions/${id}/follow`, { signal: AbortSignal.timeout(15_000) });
      expect(stream.status).toBe(200);
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = await readSse(stream);
      expect(events.map((e) => e.event)).toEqual(['start', 'progress', 'end']);
      const bodies = events.map((e) => JSON.parse(e.data) as ExecutionJson);
      expect(bodies.map((b) => b.state.current)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
      expect(bodies.every((b) => b.id === id)).toBe(true);
      expect((await waitForEnd(server.url, first)).state.current).toBe('SUCCESS');

      const again = await api(server.url, `/api/v1/main/executions/${id}/follow`);
      const finished = await readSse(again);
      expect(finished.map((e) => e.event)).toEqual(['start', 'end']);
      expect(finished.map((e) => (JSON.parse(e.data) as ExecutionJson).state.current)).toEqual(['SUCCESS', 'SUCCESS']);
      expect((await api(server.url, '/api/v1/main/executions/0000000000000000000000/follow')).status).toBe(404);
    });

    it('POST /executions/{namespace}/{id} runs a flow by hand with JSON or form inputs; wait=true answers at the end', async () => {
      await createFlow(server.url, `id: manual
namespace: e2e.api.manual
inputs:
  - id: name
    type: STRING
  - id: count
    type: INT
    defaults: 1
tasks:
  - id: greet
    type: ${LOG}
    message: "{{ inputs.name }} x{{ inputs.count }}"
`);
      const waited = await api(server.url, '/api/v1/main/executions/e2e.api.manual/manual?wait=true&labels=team:data&labels=system.correlationId:order-42', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', count: '3' }) });
      expect(waited.status).toBe(200);
      const done = (await waited.json()) as ExecutionJson;
      expect(done.state.current).toBe('SUCCESS');
      expect(done.inputs).toEqual({ name: 'Ada', count: 3 });
      expect(done.labels).toContainEqual({ key: 'system.from', value: 'api' });
      // Kestra's `labels` query: key:value pairs, a correlation id passed on to chain executions.
      expect(done.labels).toEqual(expect.arrayContaining([{ key: 'team', value: 'data' }, { key: 'system.correlationId', value: 'order-42' }]));
      const unlabelled = await api(server.url, '/api/v1/main/executions/e2e.api.manual/manual?labels=nocolon', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' });
      expect(unlabelled.status).toBe(400);
      expect(((await unlabelled.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['labels']);
      const logs = (await (await api(server.url, `/api/v1/main/logs/${done.id}`)).json()) as LogJson[];
      expect(logs.map((l) => l.message)).toEqual(['Ada x3']);

      const queued = await api(server.url, '/api/v1/main/executions/e2e.api.manual/manual', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Bob' });
      expect(queued.status).toBe(200);
      const created = (await queued.json()) as ExecutionJson;
      expect(created.state.current).toBe('CREATED');
      expect(created.inputs).toEqual({ name: 'Bob', count: 1 });
      expect((await waitForEnd(server.url, created.id)).state.current).toBe('SUCCESS');

      // Multipart form fields, as Kestra's UI and `curl -F` send inputs.
      const form = new FormData();
      form.set('name', 'Cy');
      form.set('count', '2');
      const multipart = await api(server.url, '/api/v1/main/executions/e2e.api.manual/manual?wait=true', { method: 'POST', body: form });
      expect(multipart.status).toBe(200);
      expect(((await multipart.json()) as ExecutionJson).inputs).toEqual({ name: 'Cy', count: 2 });

      const bad = await api(server.url, '/api/v1/main/executions/e2e.api.manual/manual', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada', count: 'many' }) });
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['inputs.count']);
      const missing = await api(server.url, '/api/v1/main/executions/e2e.api.manual/manual', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(missing.status).toBe(422);
      expect(((await missing.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['inputs.name']);

      await createFlow(server.url, `id: manual-off
namespace: e2e.api.manual
disabled: true
tasks:
  - id: greet
    type: ${LOG}
    message: never
`);
      const off = await api(server.url, '/api/v1/main/executions/e2e.api.manual/manual-off', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(off.status).toBe(409);
      expect((await api(server.url, '/api/v1/main/executions/e2e.api.manual/no-such-flow', { method: 'POST' })).status).toBe(404);
      // Running a flow by hand needs credentials.
      expect((await fetch(`${server.url}/api/v1/main/executions/e2e.api.manual/manual`, { method: 'POST' })).status).toBe(401);
    });
  });

  describe('logs', () => {
    it('filter by minLevel and taskId, and download as text', async () => {
      await createFlow(server.url, `id: levels
namespace: e2e.api.logs
tasks:
  - id: quiet
    type: ${LOG}
    level: DEBUG
    message: debug line
  - id: loud
    type: ${LOG}
    level: WARN
    message:
      - warn line one
      - warn line two
  - id: normal
    type: ${LOG}
    message: info line
`);
      const run = await api(server.url, '/api/v1/main/executions/e2e.api.logs/levels?wait=true', { method: 'POST' });
      const { id, state } = (await run.json()) as ExecutionJson;
      expect(state.current).toBe('SUCCESS');
      const logs = async (query = '') => {
        const res = await api(server.url, `/api/v1/main/logs/${id}${query}`);
        expect(res.status).toBe(200);
        return ((await res.json()) as LogJson[]).map((l) => [l.level, l.taskId, l.message]);
      };
      expect(await logs()).toEqual([
        ['DEBUG', 'quiet', 'debug line'],
        ['WARN', 'loud', 'warn line one'],
        ['WARN', 'loud', 'warn line two'],
        ['INFO', 'normal', 'info line'],
      ]);
      expect(await logs('?minLevel=WARN')).toEqual([['WARN', 'loud', 'warn line one'], ['WARN', 'loud', 'warn line two']]);
      expect(await logs('?minLevel=info')).toEqual([['WARN', 'loud', 'warn line one'], ['WARN', 'loud', 'warn line two'], ['INFO', 'normal', 'info line']]);
      expect(await logs('?taskId=quiet')).toEqual([['DEBUG', 'quiet', 'debug line']]);
      expect(await logs('?taskId=quiet&minLevel=INFO')).toEqual([]);
      expect((await api(server.url, `/api/v1/main/logs/${id}?minLevel=LOUD`)).status).toBe(400);
      expect((await api(server.url, '/api/v1/main/logs/0000000000000000000000')).status).toBe(404);

      const download = await api(server.url, `/api/v1/main/logs/${id}/download`);
      expect(download.status).toBe(200);
      expect(download.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(download.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${id}\\.log"`));
      const lines = (await download.text()).trimEnd().split('\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ DEBUG quiet debug line$/);
      expect(lines[3]).toMatch(/INFO {2}normal info line$/);
      const filtered = await (await api(server.url, `/api/v1/main/logs/${id}/download?minLevel=WARN`)).text();
      expect(filtered.trimEnd().split('\n')).toHaveLength(2);
    });
  });

  describe('plugins', () => {
    it('lists every plugin with its title; one plugin has props and examples; an unknown type is 404', async () => {
      const list = (await (await api(server.url, '/api/v1/main/plugins')).json()) as { type: string; kind: string; title: string; mode?: string }[];
      const byType = new Map(list.map((p) => [p.type, p]));
      expect(byType.get(LOG)).toMatchObject({ kind: 'task', title: expect.stringMatching(/\S/) });
      expect(byType.get(WEBHOOK)).toMatchObject({ kind: 'trigger', mode: 'webhook', title: expect.stringMatching(/\S/) });
      expect(byType.get('io.sluice.test.Sleep')).toMatchObject({ kind: 'task', title: 'Wait' });
      for (const plugin of list) expect(plugin.title, plugin.type).toMatch(/\S/);

      const log = (await (await api(server.url, `/api/v1/main/plugins/${LOG}`)).json()) as { props: { properties: Record<string, unknown> }; examples: { title: string; flow: string }[]; output: unknown };
      expect(Object.keys(log.props.properties)).toEqual(expect.arrayContaining(['message', 'level']));
      expect(log.examples.length).toBeGreaterThan(0);
      for (const example of log.examples) expect(example.flow).toContain(LOG);
      expect(log.output).toBeDefined();
      const hook = (await (await api(server.url, `/api/v1/main/plugins/${WEBHOOK}`)).json()) as { props: { properties: Record<string, unknown> }; variables: unknown; examples: unknown[] };
      expect(Object.keys(hook.props.properties)).toEqual(expect.arrayContaining(['key', 'wait', 'returnOutputs', 'conditions', 'when', 'inputs']));
      expect(hook.variables).toBeDefined();
      expect(hook.examples.length).toBeGreaterThan(0);
      const unknown = await api(server.url, '/api/v1/main/plugins/com.example.NoSuchTask');
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as ProblemJson).status).toBe(404);
      expect((await fetch(`${server.url}/api/v1/main/plugins`)).status).toBe(401);
      const schema = (await (await api(server.url, '/api/v1/main/plugins/schemas/flow')).json()) as Record<string, unknown>;
      expect(JSON.stringify(schema)).toContain(LOG);
    });
  });

  describe('request errors', () => {
    it('a malformed request gets 400 naming the problem, never a 500', async () => {
      await createFlow(server.url, `id: strict
namespace: e2e.api.errors
inputs:
  - id: name
    type: STRING
tasks:
  - id: hello
    type: ${LOG}
    message: "{{ inputs.name }}"
`);
      const run = (body: string, type = 'application/json') =>
        api(server.url, '/api/v1/main/executions/e2e.api.errors/strict', { method: 'POST', headers: { 'content-type': type }, body });
      const malformed = await run('{"name": ');
      expect(malformed.status).toBe(400);
      expect(((await malformed.json()) as ProblemJson).detail).toMatch(/JSON/);
      const array = await run('["Ada"]');
      expect(array.status).toBe(400);
      expect(((await array.json()) as ProblemJson).detail).toMatch(/object/);
      expect((await run('name: Ada', 'application/x-yaml')).status).toBe(415);
      expect((await run('{"name":"Ada"}')).status).toBe(200);

      for (const revision of ['abc', '0', '-1', '1.5']) {
        const res = await api(server.url, `/api/v1/main/flows/e2e.api.errors/strict?revision=${revision}`);
        expect(res.status, revision).toBe(400);
        expect(((await res.json()) as ProblemJson).errors?.[0]?.path).toBe('revision');
      }
      expect(server.lines.filter((l) => l.includes('"level":50'))).toEqual([]);
    });

    it('a method a route does not have gets 405 with Allow and a 405 problem; an unknown route a 404 problem', async () => {
      const wrongMethod = await api(server.url, '/api/v1/main/flows');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get('allow')).toBe('POST');
      expect(wrongMethod.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await wrongMethod.json()).toMatchObject({ status: 405, title: 'Method Not Allowed' });
      const unknown = await api(server.url, '/api/v1/main/no-such-thing');
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ status: 404 });
      const options = await api(server.url, '/api/v1/main/flows', { method: 'OPTIONS' });
      expect(options.status).toBe(200);
      expect(options.headers.get('allow')).toBe('POST');
      expect(options.headers.get('content-type') ?? '').not.toMatch(/problem/);
    });
  });

  describe('outside /api', () => {
    it('/ping, /health/live and /health/ready answer without credentials', async () => {
      const ping = await fetch(`${server.url}/ping`);
      expect(ping.status).toBe(200);
      expect(await ping.text()).toBe('pong');
      const live = await fetch(`${server.url}/health/live`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: 'UP' });
      const ready = await fetch(`${server.url}/health/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'UP', checks: { store: 'UP', worker: 'UP' }, runtime: runtime.name });
    });

    it('/metrics is Prometheus text with the sluice_ metrics, and no flow name or key; it needs the API credentials', async () => {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const res = await fetch(`${server.url}/metrics`, { headers: auth });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
        expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)$/);
      }
      const value = (pattern: RegExp) => Number(text.split('\n').find((l) => pattern.test(l))?.split(' ').at(-1));
      expect(value(/^sluice_executions_created_total\{trigger="io\.kestra\.plugin\.core\.trigger\.Webhook"\}/)).toBeGreaterThanOrEqual(10);
      expect(value(/^sluice_executions_created_total\{trigger="api"\}/)).toBeGreaterThanOrEqual(3);
      expect(value(/^sluice_executions_finished_total\{state="SUCCESS"\}/)).toBeGreaterThanOrEqual(10);
      expect(value(/^sluice_executions_finished_total\{state="FAILED"\}/)).toBeGreaterThanOrEqual(2);
      expect(text).toMatch(/^sluice_http_requests_total\{method="POST",route="\/api\/v1\/main\/executions\/webhook\/:namespace\/:flowId\/:key",status="200"\} \d+$/m);
      expect(text).toMatch(/^sluice_http_request_duration_seconds_bucket\{/m);
      expect(text).toMatch(/^sluice_process_cpu_seconds_total /m);
      if (runtime.name === 'bullmq') expect(text).toMatch(/^sluice_queue_jobs\{state="\w+"\} \d+$/m);
      expect(text).not.toMatch(/key-0123456789|e2e\.api\./);
    });
  });
});
