import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, postJson, waitForEnd, type ExecutionJson } from './support/api.js';
import { RUNTIMES } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// Kestra's stopAfter through the built server: an execution a webhook started ends in a listed
// state, the worker disables the trigger through the trigger API's flag (the YAML is kept), the
// webhook answers the uniform 404, and the trigger API turns it on again.

const NS = 'e2e.stopafter';
const KEY = 'stop-after-key-0123456789';
const flow = `id: fragile
namespace: ${NS}
tasks:
  - id: check
    type: io.kestra.plugin.core.execution.Fail
    condition: "{{ trigger.body.ok != true }}"
    errorMessage: not ok
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
    stopAfter:
      - FAILED
`;

describe.each(RUNTIMES)('stopAfter on the $name runtime', ({ make }) => {
  const runtime = make('stopafter');
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, flow);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime.cleanup();
  });

  const trigger = async () => (await (await api(server.url, `/api/v1/main/triggers/${NS}/fragile/hook`)).json()) as { disabled: boolean; apiDisabled: boolean; sourceDisabled: boolean; disabledBy?: unknown };
  const call = async (ok: boolean): Promise<Response> => postJson(server.url, NS, 'fragile', KEY, { ok });

  it('keeps the trigger on after a success, disables it after a FAILED end, and the API turns it on again', async () => {
    const first = await call(true);
    expect(first.status).toBe(200);
    expect((await waitForEnd(server.url, ((await first.json()) as ExecutionJson).id, 15_000)).state.current).toBe('SUCCESS');
    expect((await trigger()).disabled).toBe(false);

    const failing = await call(false);
    expect(failing.status).toBe(200);
    const failed = ((await failing.json()) as ExecutionJson).id;
    expect((await waitForEnd(server.url, failed, 15_000)).state.current).toBe('FAILED');
    // The worker sets the flag after the end is stored: wait for it, bounded.
    const deadline = Date.now() + 10_000;
    while (!(await trigger()).disabled && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // Who stopped it, so the UI tells stopAfter from a person's pause.
    expect(await trigger()).toMatchObject({ disabled: true, apiDisabled: true, sourceDisabled: false, disabledBy: { kind: 'stopAfter', executionId: failed, state: 'FAILED' } });
    // The webhook route of the process that ran the execution knows at once (standalone here).
    expect((await call(true)).status).toBe(404);
    const source = ((await (await api(server.url, `/api/v1/main/flows/${NS}/fragile`)).json()) as { source: string }).source;
    expect(source).toBe(flow);

    const enabled = await api(server.url, `/api/v1/main/triggers/${NS}/fragile/hook`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ disabled: false }) });
    expect(enabled.status).toBe(200);
    const again = await call(true);
    expect(again.status).toBe(200);
    expect((await waitForEnd(server.url, ((await again.json()) as ExecutionJson).id, 15_000)).state.current).toBe('SUCCESS');
  });
});
