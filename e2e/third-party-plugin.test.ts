import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { auth, eventually, startServer, type ServerProcess } from './support/server-process.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = 'greeting-e2e-key-123456';
const flow = `id: greeting
namespace: e2e.plugins
tasks:
  - id: greet
    type: com.example.greeting.Greet
    name: "{{ trigger.body.name }}"
    punctuation: "?"
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "{{ outputs.greet.greeting }} ({{ outputs.greet.length }} characters)"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

interface TaskRunJson { taskId: string; outputs: Record<string, unknown>; state: { current: string } }
interface ExecutionJson { id: string; state: { current: string }; taskRunList: TaskRunJson[] }

/**
 * A plugins folder as a self-hoster would set one up for the example plugin of
 * docs/writing-plugins.md: the package copied in, and `@sluice/core` installed beside it (here a
 * link to the built workspace package). A copy, not a link to examples/: the loader follows
 * links to the real folder, from where `@sluice/core` would not resolve.
 */
function pluginsFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-plugins-'));
  cpSync(join(root, 'examples', 'third-party-plugin'), join(dir, 'sluice-plugin-greeting'), {
    recursive: true,
    filter: (path) => !path.includes('node_modules'),
  });
  mkdirSync(join(dir, 'node_modules', '@sluice'), { recursive: true });
  symlinkSync(join(root, 'packages', 'core'), join(dir, 'node_modules', '@sluice', 'core'), 'dir');
  return dir;
}

// Each with its own Redis prefix or data folder, deleted afterwards.
describe.each(RUNTIMES)('a third-party plugin from SLUICE_PLUGINS_DIR on the $name runtime', ({ make }) => {
  let server: ServerProcess;
  let plugins: string;
  let runtime: RuntimeSetup | undefined;
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);

  beforeAll(async () => {
    plugins = pluginsFolder();
    runtime = make('plugin');
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_PLUGINS_DIR: plugins });
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    if (plugins) rmSync(plugins, { recursive: true, force: true });
    await runtime?.cleanup();
  });

  it('is loaded at start and listed by the API with its schemas', async () => {
    await server.waitForLine(/plugin package sluice-plugin-greeting@1\.0\.0 loaded: com\.example\.greeting\.Greet/);
    const res = await call('/api/v1/main/plugins/com.example.greeting.Greet', { headers: auth });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { kind: string; package: { name: string }; output: { properties: Record<string, unknown> } };
    expect(body).toMatchObject({ kind: 'task', package: { name: 'sluice-plugin-greeting' } });
    expect(Object.keys(body.output.properties)).toEqual(['greeting', 'length']);
  });

  it('runs in a flow whose next task reads its output; the API shows the output with the task run', async () => {
    const created = await call('/api/v1/main/flows', { method: 'POST', headers: { ...auth, 'content-type': 'application/x-yaml' }, body: flow });
    expect(created.status).toBe(200);

    const started = await call(`/api/v1/main/executions/webhook/e2e.plugins/greeting/${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    expect(started.status).toBe(200);
    const { id } = (await started.json()) as { id: string };

    const done = await eventually(async () => {
      const execution = (await (await call(`/api/v1/main/executions/${id}`, { headers: auth })).json()) as ExecutionJson;
      return ['SUCCESS', 'FAILED'].includes(execution.state.current) ? execution : undefined;
    });
    expect(done.state.current).toBe('SUCCESS');
    const greet = done.taskRunList.find((run) => run.taskId === 'greet');
    expect(greet).toMatchObject({ state: { current: 'SUCCESS' }, outputs: { greeting: 'Hello, Ada?', length: 11 } });
    expect(done.taskRunList.find((run) => run.taskId === 'log')?.outputs).toEqual({});

    const logs = (await (await call(`/api/v1/main/logs/${id}`, { headers: auth })).json()) as { taskId?: string; level: string; message: string }[];
    expect(logs).toContainEqual(expect.objectContaining({ taskId: 'log', level: 'INFO', message: 'Hello, Ada? (11 characters)' }));
  });
});
