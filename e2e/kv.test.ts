import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, type ExecutionJson } from './support/api.js';
import { RUNTIMES } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// Kestra's key-value store through the built server: kv.Set in one execution, kv() and kv.Get in
// the next, kept in the runtime's own store, across a restart of the server.

const NS = 'e2e.kv';
const counter = `id: counter
namespace: ${NS}
tasks:
  - id: count
    type: io.kestra.plugin.core.kv.Set
    key: hits
    value: "{{ (kv('hits', errorOnMissing=false) ?? 0) + 1 }}"
    kvType: NUMBER
  - id: read
    type: io.kestra.plugin.core.kv.Get
    key: hits
outputs:
  - id: hits
    type: INT
    value: "{{ outputs.read.value }}"
`;

describe.each(RUNTIMES)('the key-value store on the $name runtime', ({ make }) => {
  const runtime = make('kv');
  let server: ServerProcess;
  const start = () => startServer(['server', 'standalone'], { ...runtime.env, SLUICE_SHUTDOWN_GRACE_MS: '500' });

  beforeAll(async () => {
    server = await start();
    await createFlow(server.url, counter);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime.cleanup();
  });

  const run = async (): Promise<ExecutionJson & { outputs?: Record<string, unknown> }> => {
    const res = await api(server.url, `/api/v1/main/executions/${NS}/counter?wait=true`, { method: 'POST' });
    expect(res.status).toBe(200);
    return (await res.json()) as ExecutionJson & { outputs?: Record<string, unknown> };
  };

  it('counts across executions and keeps the count across a restart', async () => {
    for (const expected of [1, 2, 3]) {
      const execution = await run();
      expect(execution.state.current).toBe('SUCCESS');
      expect(execution.outputs?.hits).toBe(expected);
    }
    // Both runtimes here keep their store: the count survives the server.
    await server.stop();
    server = await start();
    expect((await run()).outputs?.hits).toBe(4);
  });
});
