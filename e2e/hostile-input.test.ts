import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, getExecution, waitForEnd, webhook, type ExecutionJson, type ProblemJson } from './support/api.js';
import { memoryRuntime, RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { auth, CLI, eventually, PASSWORD, startServer, USER, type ServerProcess } from './support/server-process.js';

// Issue 15, points 5 to 9, on both runtimes: hostile bodies get a quick 4xx and whatever is
// accepted is stored and run.

const NS = 'e2e.hostile';
const KEY = 'hostile-key-0123456789';
const TOKEN = 'tok-3f9a-e2e-secret';

describe.each(RUNTIMES)('hostile input ($name runtime)', ({ name, make }) => {
  let runtime: RuntimeSetup;
  let server: ServerProcess;
  beforeAll(async () => {
    runtime = make(`hostile-${name}`);
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_SHUTDOWN_GRACE_MS: '500', SECRET_API_TOKEN: Buffer.from(TOKEN).toString('base64') });
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

    it('a run by hand with inputs nested 10,000 deep: 400 naming the body', async () => {
      const body = `{"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
      const res = await api(server.url, `/api/v1/main/executions/${NS}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const problemBody = (await res.json()) as ProblemJson;
      expect(res.status).toBe(400);
      expect(problemBody.errors).toEqual([{ path: 'body', message: 'the body is nested deeper than 128 levels' }]);
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

  describe('point 9: SECRET inputs, and secret values in outputs, masked in API answers', () => {
    beforeAll(async () => {
      await createFlow(server.url, [
        'id: masked', `namespace: ${NS}`,
        'inputs:', '  - id: password', '    type: SECRET', '  - id: user', '    type: STRING',
        'tasks:', '  - id: out', '    type: io.kestra.plugin.core.output.OutputValues', '    values:',
        `      token: "Bearer {{ secret('API_TOKEN') }}"`, '      user: "{{ inputs.user }}"', '      password: "{{ inputs.password }}"',
        'outputs:', '  - id: token', '    type: STRING', '    value: "{{ outputs.out.values.token }}"',
        '',
      ].join('\n'));
    });

    it('run by hand, read back, searched and followed: never the secret, always the rest', async () => {
      const res = await api(server.url, `/api/v1/main/executions/${NS}/masked?wait=true`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'hunter2-pw', user: 'ada' }) });
      const answer = await res.text();
      expect(res.status, answer).toBe(200);
      const id = (JSON.parse(answer) as ExecutionJson).id;
      const done = await waitForEnd(server.url, id);
      expect(done.state.current).toBe('SUCCESS');
      const texts = [
        answer,
        await (await api(server.url, `/api/v1/main/executions/${id}`)).text(),
        await (await api(server.url, `/api/v1/main/executions/search?namespace=${NS}&flowId=masked`)).text(),
        await (await api(server.url, `/api/v1/main/executions/${id}/follow`)).text(),
      ];
      for (const text of texts) {
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain('hunter2-pw');
      }
      const read = JSON.parse(texts[1]!) as ExecutionJson & { taskRunList: { outputs: Record<string, unknown> }[] };
      expect(read.inputs).toEqual({ password: '******', user: 'ada' });
      expect(read.outputs).toEqual({ token: 'Bearer ******' });
      expect(read.taskRunList[0]?.outputs).toEqual({ values: { token: 'Bearer ******', user: 'ada', password: '******' } });
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

describe('point 8: what an operator notices', () => {
  let server: ServerProcess;
  let managementUrl: string;
  beforeAll(async () => {
    server = await startServer(['server', 'standalone'], { SLUICE_LOG_LEVEL: 'debug', SLUICE_MANAGEMENT_PORT: '0', SLUICE_SHUTDOWN_GRACE_MS: '500' });
    const line = await server.waitForLine(/"msg":"management port listening/);
    managementUrl = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
    await createFlow(server.url, `id: echo\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "{{ trigger.body }}"\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a client that aborts its upload: one debug line, no stack, and the server goes on', async () => {
    const before = server.lines.length;
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => {
        const { hostname, port } = new URL(server.url);
        const socket = connect(Number(port), hostname, () => {
          socket.write(`POST /api/v1/main/executions/webhook/${NS}/echo/${KEY} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":`);
          setTimeout(() => socket.destroy(), 100);
        });
        socket.on('close', () => resolve());
        socket.on('error', () => undefined);
      });
    }
    const aborts = () => server.lines.slice(before).filter((l) => /abort|ECONNRESET/i.test(l));
    // The server logs once it notices the socket is gone, a moment after the client closed it.
    await eventually(async () => (aborts().length >= 3 ? true : undefined), 5000);
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    const lines = aborts();
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const entry = JSON.parse(line) as { level: number; err?: unknown; stack?: unknown };
      expect(entry.level).toBe(20);
      expect(entry.err).toBeUndefined();
      expect(line).not.toMatch(/\bat [\w.]+ \(|stack/);
    }
  });

  it('/metrics: 401 without credentials on the API port, 200 with them, and open on the management port', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: auth })).status).toBe(200);
    const res = await fetch(`${managementUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^sluice_http_requests_total\{/m);
    expect((await fetch(`${managementUrl}/api/v1/main/flows/search`, { headers: auth })).status).toBe(404);
  });

  it('the plain-text log download writes a newline inside a message as \\n: one entry, one line', async () => {
    const forged = 'first\n2026-01-01T00:00:00.000Z ERROR log forged line\r\nand a backslash \\n';
    const res = await webhook(server.url, NS, 'echo', KEY, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: forged });
    const id = ((await res.json()) as ExecutionJson).id;
    expect((await waitForEnd(server.url, id)).state.current).toBe('SUCCESS');
    const text = await (await api(server.url, `/api/v1/main/logs/${id}/download`)).text();
    const lines = text.split('\n').filter((l) => l !== '');
    const logged = lines.filter((l) => l.includes(' log '));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('first\\n2026-01-01T00:00:00.000Z ERROR log forged line\\r\\nand a backslash \\\\n');
    // The JSON route keeps the message as it is.
    const entries = (await (await api(server.url, `/api/v1/main/logs/${id}?taskId=log`)).json()) as { message: string }[];
    expect(entries.map((e) => e.message)).toContain(forged);
  });

  it('a busy port: `sluice: <message> [LISTEN_FAILED]`, no stack, exit 1', () => {
    const { port } = new URL(server.url);
    const run = spawnSync(process.execPath, [CLI, 'server', 'standalone'], { env: { PATH: process.env.PATH, PORT: port, HOST: '127.0.0.1', SLUICE_USERNAME: USER, SLUICE_PASSWORD: PASSWORD, SLUICE_DATA_DIR: mkdtempSync(join(tmpdir(), 'sluice-e2e-busy-')) }, encoding: 'utf8', timeout: 15_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^sluice: cannot listen for the API on 127\\.0\\.0\\.1:${port}: the address is already in use \\(EADDRINUSE\\).* \\[LISTEN_FAILED\\]\\n$`, 'm'));
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
