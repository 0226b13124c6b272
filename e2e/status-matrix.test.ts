import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, getExecution, nullPaths, postJson, waitForEnd, webhook, type ExecutionJson, type ProblemJson } from './support/api.js';
import { RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// The webhook status matrix of issue 3 that webhook.test.ts does not cover: 204 on conditions,
// 422 on trigger inputs, `wait: true` with its response options, 500 on a failed execution,
// 504 past the wait limit, the disabled trigger's 404, and no null field in a response.

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const NS = 'e2e.matrix';
const WAIT_MS = 1500;
const LOG = 'io.kestra.plugin.core.log.Log';
const WEBHOOK = 'io.kestra.plugin.core.trigger.Webhook';

const flows = {
  // Kestra 1.x spelling of a webhook condition.
  conditions: `id: conditions
namespace: ${NS}
tasks:
  - id: hello
    type: ${LOG}
    message: "hello {{ trigger.body.hello }}"
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: conditions-1x-key
    conditions:
      - type: io.kestra.plugin.core.condition.ExpressionCondition
        expression: "{{ trigger.body.hello == 'world' }}"
`,
  // Kestra 2.0 spelling of the same condition.
  when: `id: when
namespace: ${NS}
tasks:
  - id: hello
    type: ${LOG}
    message: "hello {{ trigger.body.hello }}"
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: when-2x-key
    when: "{{ trigger.body.hello == 'world' }}"
`,
  inputs: `id: typed-inputs
namespace: ${NS}
inputs:
  - id: n
    type: INT
tasks:
  - id: show
    type: ${LOG}
    message: "n is {{ inputs.n }}"
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: typed-inputs-key
    inputs:
      n: "{{ trigger.body.n }}"
`,
  // One flow, one trigger per way of answering a waiting caller.
  waiting: `id: waiting
namespace: ${NS}
outputs:
  - id: out
    type: STRING
    value: "{{ trigger.body.name }}"
tasks:
  - id: greet
    type: ${LOG}
    message: "Hello {{ trigger.body.name }}"
triggers:
  - id: plain
    type: ${WEBHOOK}
    key: wait-plain-key
    wait: true
  - id: outputs
    type: ${WEBHOOK}
    key: wait-outputs-key
    wait: true
    returnOutputs: true
  - id: text
    type: ${WEBHOOK}
    key: wait-text-key
    wait: true
    returnOutputs: true
    responseContentType: text/plain
  - id: code-expression
    type: ${WEBHOOK}
    key: wait-code-expression-key
    wait: true
    responseCode: "{{ 201 }}"
  - id: code-literal
    type: ${WEBHOOK}
    key: wait-code-literal-key
    wait: true
    returnOutputs: true
    responseCode: 202
`,
  // The message refers to a variable that does not exist: the task fails at render.
  failing: `id: failing
namespace: ${NS}
tasks:
  - id: broken
    type: ${LOG}
    message: "{{ nothing.here }}"
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: failing-key
    wait: true
  - id: state-code
    type: ${WEBHOOK}
    key: failing-state-code-key
    wait: true
    responseCode: "{{ execution.state == 'FAILED' ? 422 : 200 }}"
`,
  // A typed Dynamic prop (the Sleep task's integer \`ms\`) fed by an expression.
  typedProp: `id: typed-prop
namespace: ${NS}
tasks:
  - id: nap
    type: io.sluice.test.Sleep
    ms: "{{ trigger.body.ms }}"
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: typed-prop-key
    wait: true
`,
  slow: `id: slow
namespace: ${NS}
tasks:
  - id: nap
    type: io.sluice.test.Sleep
    ms: 2000
  - id: done
    type: ${LOG}
    message: woke up
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: slow-key
    wait: true
`,
  disabledTrigger: `id: disabled-trigger
namespace: ${NS}
tasks:
  - id: never
    type: ${LOG}
    message: never
triggers:
  - id: off
    type: ${WEBHOOK}
    key: disabled-trigger-key
    disabled: true
`,
  plain: `id: plain
namespace: ${NS}
labels:
  team: e2e
tasks:
  - id: hello
    type: ${LOG}
    message: "plain"
triggers:
  - id: hook
    type: ${WEBHOOK}
    key: plain-key
`,
};

describe.each(RUNTIMES)('webhook status matrix on the $name runtime', ({ make }) => {
  let server: ServerProcess;
  let runtime: RuntimeSetup;

  beforeAll(async () => {
    runtime = make('matrix');
    server = await startServer(['server', 'standalone'], {
      ...runtime.env,
      SLUICE_PLUGINS_DIR: pluginsDir,
      SLUICE_WEBHOOK_WAIT_MS: String(WAIT_MS),
      SLUICE_SHUTDOWN_GRACE_MS: '500',
      // The smallest request timeout: it bounds receiving a request, never a waiting answer.
      SLUICE_REQUEST_TIMEOUT_MS: '1000',
    });
    for (const yaml of Object.values(flows)) await createFlow(server.url, yaml);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
  });

  describe('conditions', () => {
    it.each([
      ['1.x conditions', 'conditions', 'conditions-1x-key'],
      ['2.0 when', 'when', 'when-2x-key'],
    ])('%s: 200 when met, 204 with an empty body when not (or when the body is missing)', async (_what, flowId, key) => {
      const met = await postJson(server.url, NS, flowId, key, { hello: 'world' });
      expect(met.status).toBe(200);
      const execution = (await met.json()) as ExecutionJson;
      expect(execution.trigger?.variables.body).toEqual({ hello: 'world' });
      expect((await waitForEnd(server.url, execution.id)).state.current).toBe('SUCCESS');

      const notMet = await postJson(server.url, NS, flowId, key, { hello: 'webhook' });
      expect(notMet.status).toBe(204);
      expect(await notMet.text()).toBe('');
      const noBody = await webhook(server.url, NS, flowId, key, { method: 'GET' });
      expect(noBody.status).toBe(204);
      expect(await noBody.text()).toBe('');

      // Requests turned away start nothing: only the first call made an execution.
      const search = (await (await api(server.url, `/api/v1/main/executions/search?namespace=${NS}&flowId=${flowId}`)).json()) as { total: number };
      expect(search.total).toBe(1);
    });
  });

  describe('trigger inputs', () => {
    it('a value that is not an INT gets 422 with a problem body naming the input, and starts nothing', async () => {
      const res = await postJson(server.url, NS, 'typed-inputs', 'typed-inputs-key', { n: 'not a number' });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as ProblemJson;
      expect(problem.status).toBe(422);
      expect(problem.errors?.map((e) => e.path)).toEqual(['inputs.n']);
      expect(problem.errors?.[0]?.message).toMatch(/integer|INT/i);
      // A missing value (the template cannot render) is a 422 for the same input.
      const missing = await webhook(server.url, NS, 'typed-inputs', 'typed-inputs-key', { method: 'GET' });
      expect(missing.status).toBe(422);
      expect(((await missing.json()) as ProblemJson).errors?.map((e) => e.path)).toEqual(['inputs.n']);
      const search = (await (await api(server.url, `/api/v1/main/executions/search?namespace=${NS}&flowId=typed-inputs`)).json()) as { total: number };
      expect(search.total).toBe(0);
    });

    it('a valid value is coerced to a number on the execution', async () => {
      const res = await postJson(server.url, NS, 'typed-inputs', 'typed-inputs-key', { n: 42 });
      expect(res.status).toBe(200);
      const { id } = (await res.json()) as ExecutionJson;
      const done = await waitForEnd(server.url, id);
      expect(done.state.current).toBe('SUCCESS');
      expect(done.inputs).toEqual({ n: 42 });
      const logs = (await (await api(server.url, `/api/v1/main/logs/${id}`)).json()) as { message: string }[];
      expect(logs.map((l) => l.message)).toEqual(['n is 42']);
    });
  });

  describe('wait: true', () => {
    it('answers when the execution ends: 200 with the finished execution', async () => {
      const res = await postJson(server.url, NS, 'waiting', 'wait-plain-key', { name: 'Ada' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ExecutionJson;
      expect(body.state.current).toBe('SUCCESS');
      expect(body.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'SUCCESS']);
      expect(body.outputs).toEqual({ out: 'Ada' });
      expect(body.trigger?.id).toBe('plain');
      expect(body.url).toBe(`${server.url}/ui/main/executions/${NS}/waiting/${body.id}`);
      // The webhook answer is Kestra's WebhookResponse: no task runs, inputs or variables.
      expect(Object.keys(body).sort()).toEqual(['flowId', 'flowRevision', 'id', 'labels', 'namespace', 'outputs', 'state', 'tenantId', 'trigger', 'url']);
    });

    it('returnOutputs answers with the flow outputs map, as JSON', async () => {
      const res = await postJson(server.url, NS, 'waiting', 'wait-outputs-key', { name: 'Grace' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ out: 'Grace' });
    });

    it('responseContentType text/plain sends the one string output as it is', async () => {
      const res = await postJson(server.url, NS, 'waiting', 'wait-text-key', { name: 'Hopper "quoted"' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('Hopper "quoted"');
    });

    it('responseCode: a template ({{ 201 }}) and a literal (202) set the status', async () => {
      const expression = await postJson(server.url, NS, 'waiting', 'wait-code-expression-key', { name: 'Ada' });
      expect(expression.status).toBe(201);
      expect(((await expression.json()) as ExecutionJson).state.current).toBe('SUCCESS');
      const literal = await postJson(server.url, NS, 'waiting', 'wait-code-literal-key', { name: 'Ada' });
      expect(literal.status).toBe(202);
      expect(await literal.json()).toEqual({ out: 'Ada' });
    });

    it('a failed execution answers 500 with the FAILED execution', async () => {
      const res = await webhook(server.url, NS, 'failing', 'failing-key', { method: 'POST' });
      expect(res.status).toBe(500);
      const body = (await res.json()) as ExecutionJson;
      expect(body.state.current).toBe('FAILED');
      expect(body.flowId).toBe('failing');
      const logs = (await (await api(server.url, `/api/v1/main/logs/${body.id}`)).json()) as { level: string; message: string }[];
      expect(logs.some((l) => l.level === 'ERROR' && l.message.includes('nothing'))).toBe(true);
    });

    it('responseCode is rendered against the finished execution', async () => {
      const res = await webhook(server.url, NS, 'failing', 'failing-state-code-key', { method: 'POST' });
      expect(res.status).toBe(422);
      expect(((await res.json()) as ExecutionJson).state.current).toBe('FAILED');
    });

    it('a typed Dynamic prop takes the value its expression renders (Sleep ms from the body)', async () => {
      const res = await postJson(server.url, NS, 'typed-prop', 'typed-prop-key', { ms: 10 });
      const body = (await res.json()) as ExecutionJson;
      const logs = (await (await api(server.url, `/api/v1/main/logs/${body.id}`)).json()) as { message: string }[];
      expect(logs.map((l) => l.message)).toEqual([]);
      expect(body.state.current).toBe('SUCCESS');
      expect(res.status).toBe(200);
    });

    it('past SLUICE_WEBHOOK_WAIT_MS answers 504, and the execution goes on to its end', async () => {
      const started = Date.now();
      const res = await webhook(server.url, NS, 'slow', 'slow-key', { method: 'POST' });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(504);
      expect(((await res.json()) as ProblemJson).status).toBe(504);
      expect(elapsed).toBeGreaterThanOrEqual(WAIT_MS - 50);
      expect(elapsed).toBeLessThan(WAIT_MS + 1000);
      const search = (await (await api(server.url, `/api/v1/main/executions/search?namespace=${NS}&flowId=slow`)).json()) as { results: ExecutionJson[]; total: number };
      expect(search.total).toBe(1);
      const done = await waitForEnd(server.url, search.results[0]!.id);
      expect(done.state.current).toBe('SUCCESS');
    });

    it('a caller that hangs up stops the wait at once, not at SLUICE_WEBHOOK_WAIT_MS', async () => {
      // The route's answer to a caller that left is counted as a 504 when the wait stops.
      const answered504 = async (): Promise<number> => {
        const text = await (await api(server.url, '/metrics')).text();
        return [...text.matchAll(/^sluice_http_requests_total\{[^}]*status="504"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      };
      const before = await answered504();
      const started = Date.now();
      const caller = new AbortController();
      const call = webhook(server.url, NS, 'slow', 'slow-key', { method: 'POST', signal: caller.signal }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 200));
      caller.abort();
      expect(await call).toBeInstanceOf(Error);
      // Well before the wait's limit (WAIT_MS after the call), which is when it stopped before.
      while ((await answered504()) === before && Date.now() - started < WAIT_MS - 300) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(await answered504()).toBe(before + 1);
      expect(Date.now() - started).toBeLessThan(WAIT_MS - 300);
    });
  });

  it('a disabled trigger gets the same 404 as a wrong key', async () => {
    const disabled = await webhook(server.url, NS, 'disabled-trigger', 'disabled-trigger-key', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const wrong = await webhook(server.url, NS, 'disabled-trigger', 'wrong-key-value-here', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(disabled.status).toBe(404);
    expect(wrong.status).toBe(404);
    expect(disabled.headers.get('content-type')).toBe(wrong.headers.get('content-type'));
    // Only the echoed request path may differ.
    expect(await disabled.text()).toBe((await wrong.text()).replaceAll('wrong-key-value-here', 'disabled-trigger-key'));
  });

  it('the execution is stored before the 200, which has no null field and only the documented ones', async () => {
    const res = await webhook(server.url, NS, 'plain', 'plain-key', { method: 'GET' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as ExecutionJson & Record<string, unknown>;
    // Stored before it was acknowledged: readable at once.
    expect((await getExecution(server.url, body.id)).id).toBe(body.id);
    expect(Object.keys(body).sort()).toEqual(['flowId', 'flowRevision', 'id', 'labels', 'namespace', 'state', 'tenantId', 'trigger', 'url']);
    expect(Object.keys(body.trigger!).sort()).toEqual(['id', 'type', 'variables']);
    expect(body).toMatchObject({ namespace: NS, flowId: 'plain', flowRevision: 1, state: { current: 'CREATED' }, trigger: { id: 'hook', type: WEBHOOK } });
    expect(body.state.histories.map((h) => h.state)).toEqual(['CREATED']);
    expect(body.labels).toContainEqual({ key: 'team', value: 'e2e' });
    // A GET has no body: `trigger.body` is null there, as Kestra has it; that null is data.
    expect(body.trigger!.variables.body).toBeNull();
    expect(nullPaths(body, ['trigger.variables'])).toEqual([]);
    // Then it was queued and ran.
    expect((await waitForEnd(server.url, body.id)).state.current).toBe('SUCCESS');
  });
});
