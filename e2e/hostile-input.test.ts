import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, getExecution, waitForEnd, webhook, type ExecutionJson, type ProblemJson } from './support/api.js';
import { memoryRuntime, RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// Issue 15, points 5 to 9, on both runtimes: hostile bodies get a quick 4xx and whatever is
// accepted is stored and run.

const NS = 'e2e.hostile';
const KEY = 'hostile-key-0123456789';

describe.each(RUNTIMES)('hostile input ($name runtime)', ({ name, make }) => {
  let runtime: RuntimeSetup;
  let server: ServerProcess;
  beforeAll(async () => {
    runtime = make(`hostile-${name}`);
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, `id: echo\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ trigger.body }}"\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
  });

  const post = (body: string, type = 'application/json') =>
    webhook(server.url, NS, 'echo', KEY, { method: 'POST', headers: { 'content-type': type }, body });

  describe('point 5: deeply nested JSON bodies', () => {
    it.each([
      ['{"a": nested 100,000 times', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`],
      ['10 MiB of [', '['.repeat(10 * 1024 * 1024)],
      ['129 levels', `${'['.repeat(129)}${']'.repeat(129)}`],
    ])('%s: 422 naming the body, and the server goes on', async (_what, body) => {
      const res = await post(body);
      const problem = (await res.json()) as ProblemJson;
      expect(res.status).toBe(422);
      expect(problem.errors).toEqual([{ path: 'body', message: 'the JSON body is nested deeper than 128 levels' }]);
      expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    });

    it('128 levels, the limit, is stored and run, and reads back whole', async () => {
      const body = `${'{"a":'.repeat(127)}[1]${'}'.repeat(127)}`;
      const res = await post(body);
      expect(res.status).toBe(200);
      const created = (await res.json()) as ExecutionJson;
      expect((await waitForEnd(server.url, created.id)).state.current).toBe('SUCCESS');
      expect(JSON.stringify((await getExecution(server.url, created.id)).trigger?.variables.body)).toBe(body);
    });
  });
  describe('point 7: input that would be silently changed', () => {
    const send = (body: Uint8Array | string, method = 'POST', path = '/api/v1/main/flows') =>
      api(server.url, path, { method, headers: { 'content-type': 'application/x-yaml' }, body });
    const yaml = (variables: string) => `id: tagged\nnamespace: ${NS}\nvariables:\n${variables}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n`;

    it.each([
      ['!!js/function', '  f: !!js/function "function () { return process.exit(1) }"\n'],
      ['!!python/object/apply:os.system', '  p: !!python/object/apply:os.system ["ls"]\n'],
      ['!custom', '  c: !custom 1\n'],
    ])('an unknown tag, %s: 422 with its line and column, nothing saved', async (tag, variables) => {
      for (const [method, path] of [['POST', '/api/v1/main/flows'], ['POST', '/api/v1/main/flows/validate']] as const) {
        const res = await send(yaml(variables), method, path);
        const text = await res.text();
        const errors = path.endsWith('/validate') ? (JSON.parse(text) as { errors: ProblemJson['errors'] }[])[0]?.errors : (JSON.parse(text) as ProblemJson).errors;
        if (!path.endsWith('/validate')) expect(res.status, text).toBe(422);
        expect(errors).toEqual([{ code: 'FLOW_YAML_UNKNOWN_TAG', path: '', message: expect.stringContaining(tag), line: 4, column: 6 }]);
      }
      expect((await api(server.url, `/api/v1/main/flows/${NS}/tagged`)).status).toBe(404);
    });

    it('integers past 2^53 in a JSON body stay exact: in the answer, the stored execution, trigger.body and the logs', async () => {
      const body = '{"id":9007199254740993,"neg":-123456789012345678901234567890,"safe":42,"text":"12345678901234567890"}';
      const res = await post(body);
      const answer = await res.text();
      expect(res.status, answer).toBe(200);
      expect(answer).toContain(body);
      const id = (JSON.parse(answer) as ExecutionJson).id;
      expect((await waitForEnd(server.url, id)).state.current).toBe('SUCCESS');
      expect(await (await api(server.url, `/api/v1/main/executions/${id}`)).text()).toContain(body);
      // The Log task printed {{ trigger.body }} from the execution the worker read.
      expect(await (await api(server.url, `/api/v1/main/logs/${id}/download`)).text()).toContain(body);
    });

    it('YAML bytes that are not UTF-8: 422 with the line of the first bad byte, nothing saved', async () => {
      // The bad byte ends line 4, in the variable's value.
      const source = Buffer.concat([Buffer.from(`id: tagged\nnamespace: ${NS}\nvariables:\n  name: caf`), Buffer.from([0xe9]), Buffer.from('\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n')]);
      const res = await send(source);
      const problemBody = (await res.json()) as ProblemJson;
      expect(res.status).toBe(422);
      expect(problemBody.errors).toEqual([{ code: 'FLOW_YAML_ENCODING', path: '', message: 'the source is not valid UTF-8 (byte 0xe9)', line: 4, column: 12 }]);
      expect((await api(server.url, `/api/v1/main/flows/${NS}/tagged`)).status).toBe(404);
    });
  });

});

describe('point 6: flow names the schema accepts, in the embedded runtime\'s flows folder', () => {
  const runtime = memoryRuntime();
  let server: ServerProcess;
  const start = async () => (server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_SHUTDOWN_GRACE_MS: '500' }));
  beforeAll(start);
  afterAll(async () => {
    await server?.stop();
    await runtime.cleanup();
  });
  const flow = (namespace: string, id: string, message: string) =>
    `id: ${id}\nnamespace: ${namespace}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: ${message}\n`;
  const get = async (namespace: string, id: string) => {
    const res = await api(server.url, `/api/v1/main/flows/${namespace}/${id}`);
    return res.status === 200 ? ((await res.json()) as { source: string }).source : res.status;
  };
  const longNs = `${'n'.repeat(148)}.x`;
  const longId = 'i'.repeat(100);

  it('saves a 150-character namespace with a 100-character id, and a.b/x.y beside a.b.x/y; a restart keeps all three', async () => {
    await createFlow(server.url, flow(longNs, longId, 'long'));
    await createFlow(server.url, flow('a.b', 'x.y', 'first'));
    await createFlow(server.url, flow('a.b.x', 'y', 'second'));
    await server.stop();
    await start();
    expect(await get(longNs, longId)).toBe(flow(longNs, longId, 'long'));
    expect(await get('a.b', 'x.y')).toBe(flow('a.b', 'x.y', 'first'));
    expect(await get('a.b.x', 'y')).toBe(flow('a.b.x', 'y', 'second'));
  });

  it('deletes each of them alone, and a restart does not bring it back', async () => {
    for (const [namespace, id] of [[longNs, longId], ['a.b', 'x.y']] as const) {
      expect((await api(server.url, `/api/v1/main/flows/${namespace}/${id}`, { method: 'DELETE' })).status).toBe(204);
    }
    await server.stop();
    await start();
    expect(await get(longNs, longId)).toBe(404);
    expect(await get('a.b', 'x.y')).toBe(404);
    expect(await get('a.b.x', 'y')).toBe(flow('a.b.x', 'y', 'second'));
  });
});
