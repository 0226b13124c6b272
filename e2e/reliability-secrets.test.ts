import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForEnd, type ExecutionJson } from './support/api.js';
import { pluginsDir } from './support/reliability.js';
import { bullmqRuntime } from './support/runtimes.js';
import { PASSWORD, REDIS_URL, auth, startServer, type ServerProcess } from './support/server-process.js';
import { readSse } from './support/sse.js';

// Issue 5, item 10: no secret leaks. A run that uses secret() values (in task props, in a
// failing task's error, in a webhook key) and webhook keys (one from a secret, one written in
// the flow) through every route; afterwards no log line of the server, no API answer and no
// Redis key holds a secret value or a key, except a flow's own source, which holds the key
// written in it (and never a secret's value: the source says `{{ secret('NAME') }}`).

const NS = 'e2e.secrets';
const TOKEN = 'tok-9f8e7d6c5b4a3f2e1d0c';
const HOOK_KEY = 'hook-5a4b3c2d1e0f9a8b7c6d';
const LITERAL_KEY = 'literal-key-77aa88bb99cc00dd';
const b64 = (text: string) => Buffer.from(text).toString('base64');

const secretive = `id: secretive
namespace: ${NS}
tasks:
  - id: call
    type: io.kestra.plugin.core.log.Log
    message: "calling with token {{ secret('API_TOKEN') }} for {{ trigger.body.who ?? 'nobody' }}"
  - id: wait
    type: io.sluice.test.Sleep
    ms: "{{ secret('API_TOKEN') | length }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: "{{ secret('HOOK_KEY') }}"
  - id: waiting
    type: io.kestra.plugin.core.trigger.Webhook
    key: "{{ secret('HOOK_KEY') }}-wait"
    wait: true
`;
const failing = `id: failing
namespace: ${NS}
tasks:
  - id: boom
    type: io.sluice.test.Fail
    message: "auth failed for {{ secret('API_TOKEN') }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${LITERAL_KEY}
`;
const badExpression = `id: bad-expression
namespace: ${NS}
tasks:
  - id: broken
    type: io.kestra.plugin.core.log.Log
    message: "{{ secret('API_TOKEN') | number }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${LITERAL_KEY}
`;

interface Answer { readonly what: string; readonly text: string; readonly flowSource: boolean }

describe('no secret leaks (bullmq runtime)', () => {
  const runtime = bullmqRuntime('secrets');
  let server: ServerProcess;
  const answers: Answer[] = [];
  const prefix = runtime.env.SLUICE_REDIS_PREFIX!;

  /** Any request; its status line, headers and body are kept for the final check. */
  const call = async (path: string, init: RequestInit & { flowSource?: boolean } = {}): Promise<{ status: number; text: string }> => {
    const res = await fetch(`${server.url}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
    const text = await res.text();
    answers.push({ what: `${init.method ?? 'GET'} ${path.replace(HOOK_KEY, '<HOOK_KEY>').replace(LITERAL_KEY, '<LITERAL_KEY>')}`, text: `${res.status} ${JSON.stringify([...res.headers])} ${text}`, flowSource: init.flowSource ?? false });
    return { status: res.status, text };
  };
  const withAuth = (init: RequestInit & { flowSource?: boolean } = {}) => ({ ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
  const hook = (flowId: string, key: string, init: RequestInit = {}) => call(`/api/v1/main/executions/webhook/${NS}/${flowId}/${key}`, init);
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    server = await startServer(['server', 'standalone'], {
      ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_MAX_BODY_BYTES: '4096', SLUICE_SHUTDOWN_GRACE_MS: '500',
      SECRET_API_TOKEN: b64(TOKEN), SECRET_HOOK_KEY: b64(HOOK_KEY),
    });
    for (const yaml of [secretive, failing, badExpression]) {
      const created = await call('/api/v1/main/flows', withAuth({ method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: yaml, flowSource: true }));
      expect(created.status, created.text).toBe(200);
    }
    // A template that cannot compile is refused when saved (it used to fail only at run time).
    const unknownFilter = badExpression.replace('| number', '| nosuchfilter').replace('id: bad-expression', 'id: bad-syntax');
    const refused = await call('/api/v1/main/flows', withAuth({ method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: unknownFilter, flowSource: true }));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain("unknown filter 'nosuchfilter'");
  });
  afterAll(async () => {
    await server.stop();
    await runtime.cleanup();
  });

  it('a full run through every route leaves no secret value or key in a log line, an answer (but a flow source) or Redis', async () => {
    // Webhooks: started, waited for, refused in every way a key can be refused.
    const ids: string[] = [];
    for (const method of ['POST', 'PUT', 'GET']) {
      const res = await hook('secretive', HOOK_KEY, method === 'GET' ? { method } : { method, headers: json, body: '{"who":"ann"}' });
      expect(res.status, res.text).toBe(200);
      ids.push((JSON.parse(res.text) as ExecutionJson).id);
    }
    const waited = await hook('secretive', `${HOOK_KEY}-wait`, { method: 'POST', headers: json, body: '{"who":"bob"}' });
    expect(waited.status, waited.text).toBe(200);
    ids.push((JSON.parse(waited.text) as ExecutionJson).id);
    for (const flowId of ['failing', 'bad-expression']) {
      const res = await hook(flowId, LITERAL_KEY, { method: 'POST' });
      expect(res.status).toBe(200);
      ids.push((JSON.parse(res.text) as ExecutionJson).id);
    }
    expect((await hook('secretive', `${HOOK_KEY}x`, { method: 'POST' })).status).toBe(404);
    expect((await hook('secretive', `${HOOK_KEY}/extra`, { method: 'POST' })).status).toBe(404);
    expect((await hook('secretive', `${HOOK_KEY}/`, { method: 'POST' })).status).toBe(404);
    expect((await hook('failing', `${LITERAL_KEY}/more`, { method: 'POST' })).status).toBe(404);
    expect((await hook('secretive', HOOK_KEY, { method: 'POST', headers: json, body: JSON.stringify({ big: 'x'.repeat(8192) }) })).status).toBe(413);
    expect((await hook('secretive', HOOK_KEY, { method: 'HEAD' })).status).toBe(405);

    const states = [];
    for (const id of ids) states.push((await waitForEnd(server.url, id, 15_000)).state.current);
    expect(states).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'FAILED', 'FAILED']);

    // The API: every route that shows executions, logs, flows and the server.
    for (const id of ids) {
      expect((await call(`/api/v1/main/executions/${id}`, withAuth())).status).toBe(200);
      const logs = await call(`/api/v1/main/logs/${id}`, withAuth());
      expect(logs.status).toBe(200);
      expect((await call(`/api/v1/main/logs/${id}/download`, withAuth())).status).toBe(200);
      const res = await fetch(`${server.url}/api/v1/main/executions/${id}/follow`, { headers: auth, signal: AbortSignal.timeout(15_000) });
      answers.push({ what: `follow ${id}`, text: JSON.stringify(await readSse(res, 'end')), flowSource: false });
    }
    // The masked lines are there: the secrets were used, not missing.
    const logged = await call(`/api/v1/main/logs/${ids[0]}`, withAuth());
    expect(logged.text).toContain('calling with token ****** for ann');
    const failedLog = await call(`/api/v1/main/logs/${ids[4]}`, withAuth());
    expect(failedLog.text).toContain('auth failed for ******');
    expect((await call(`/api/v1/main/executions/search?namespace=${NS}&size=50`, withAuth())).status).toBe(200);
    const webhooks = await call(`/api/v1/main/flows/${NS}/secretive/webhooks`, withAuth());
    expect(webhooks.status).toBe(200);
    expect(webhooks.text).toContain('the key comes from a secret');
    expect((await call(`/api/v1/main/flows/${NS}/failing/webhooks`, withAuth({ flowSource: true }))).status).toBe(200);
    for (const flowId of ['secretive', 'failing', 'bad-expression']) {
      expect((await call(`/api/v1/main/flows/${NS}/${flowId}`, withAuth({ flowSource: true }))).status).toBe(200);
      expect((await call(`/api/v1/main/flows/${NS}/${flowId}/revisions`, withAuth({ flowSource: true }))).status).toBe(200);
    }
    expect((await call(`/api/v1/main/flows/search?namespace=${NS}`, withAuth({ flowSource: true }))).status).toBe(200);
    expect((await call('/api/v1/main/flows/validate', withAuth({ method: 'POST', headers: { 'content-type': 'application/x-yaml' }, body: secretive, flowSource: true }))).status).toBe(200);
    expect((await call(`/api/v1/main/executions/${NS}/failing`, withAuth({ method: 'POST', headers: json, body: '{}' }))).status).toBe(200);
    expect((await call('/api/v1/main/flows/search', { headers: { authorization: `Basic ${b64(`admin@example.com:${TOKEN}`)}` } })).status).toBe(401);
    for (const path of ['/metrics', '/health/ready', '/health/live', '/ping', '/api/v1/main/plugins']) expect((await call(path, withAuth())).status).toBe(200);

    // The checks. Secret values (and their base64 forms, as given in the environment) appear
    // nowhere; keys appear only in a flow's own source; the API password never in a log.
    const secretValues = [TOKEN, HOOK_KEY, b64(TOKEN), b64(HOOK_KEY)];
    const keys = [LITERAL_KEY];
    const leaks = (text: string, needles: readonly string[]) => needles.filter((needle) => text.includes(needle));
    expect(answers.flatMap((a) => leaks(a.text, secretValues).map((n) => `${a.what}: ${n}`))).toEqual([]);
    expect(answers.filter((a) => !a.flowSource).flatMap((a) => leaks(a.text, keys).map((n) => `${a.what}: ${n}`))).toEqual([]);
    expect(server.lines.flatMap((line) => leaks(line, [...secretValues, ...keys, PASSWORD]).map((n) => `log line: ${n}: ${line}`))).toEqual([]);

    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        for (const key of batch) {
          const type = await redis.type(key);
          const content = type === 'string' ? await redis.get(key)
            : type === 'list' ? (await redis.lrange(key, 0, -1)).join('\n')
              : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
                : type === 'zset' ? (await redis.zrange(key, 0, -1)).join('\n')
                  : type === 'set' ? (await redis.smembers(key)).join('\n')
                    : type === 'stream' ? JSON.stringify(await redis.xrange(key, '-', '+'))
                      : '';
          const isFlow = key.startsWith(`${prefix}:flow:`);
          for (const needle of leaks(content ?? '', isFlow ? secretValues : [...secretValues, ...keys])) found.push(`${key}: ${needle}`);
        }
      } while (cursor !== '0');
      expect(found).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});
