import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, deleteKeys, waitForEnd, webhook, type ExecutionJson } from './support/api.js';
import { REDIS_URL, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';

// SLUICE_FLOWS_DIR: every YAML file loads at start, a bad file is reported with its errors
// (path, line, column) without stopping the start, and the folder reloads when it changes.

const flow = (id: string, message: string) => `id: ${id}
namespace: e2e.dir
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "${message}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${id}-key-0123456789
`;

// Two errors a person must be told about, each where it is.
const BAD = `id: bad
namespace: Bad.Namespace
tasks:
  - id: a
    type: io.kestra.plugin.core.log.Logg
    message: hi
`;
const NOT_YAML = 'id: syntax\nnamespace: e2e.dir\ntasks: [\n';

interface LogLine { level: number; msg: string; file?: string; errors?: string[]; loaded?: number; failed?: number }

describe('the flows folder', () => {
  let dir: string;
  let server: ServerProcess;
  const prefix = uniquePrefix('flowsdir');
  const logs = (): LogLine[] => server.lines.flatMap((l) => { try { return [JSON.parse(l) as LogLine]; } catch { return []; } });
  const run = async (id: string) => {
    const res = await webhook(server.url, 'e2e.dir', id, `${id}-key-0123456789`, { method: 'POST' });
    return res.status === 200 ? ((await res.json()) as ExecutionJson) : res.status;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-flows-'));
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'a.yaml'), flow('a', 'first a'));
    writeFileSync(join(dir, 'team', 'b.yml'), flow('b', 'b'));
    writeFileSync(join(dir, 'bad.yaml'), BAD);
    writeFileSync(join(dir, 'syntax.yaml'), NOT_YAML);
    writeFileSync(join(dir, 'notes.txt'), 'not a flow');
    server = await startServer(['server', 'standalone'], { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_FLOWS_DIR: dir, SLUICE_SHUTDOWN_GRACE_MS: '500' });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
    await deleteKeys(prefix);
  });

  it('loads the good files at start, subfolders included, and reports each bad one with its errors', async () => {
    const summary = logs().find((l) => l.msg.startsWith(`flows folder ${dir}:`));
    expect(summary).toMatchObject({ loaded: 2, failed: 2 });

    const bad = logs().find((l) => l.file === 'bad.yaml');
    expect(bad?.level).toBeGreaterThanOrEqual(50);
    expect(bad?.msg).toContain('bad.yaml');
    expect(bad?.errors).toHaveLength(2);
    expect(bad?.errors?.[0]).toMatch(/^bad\.yaml:2:\d+ namespace: /);
    expect(bad?.errors?.[1]).toMatch(/^bad\.yaml:5:\d+ tasks\[0\]\.type: .*io\.kestra\.plugin\.core\.log\.Log\b/);
    const syntax = logs().find((l) => l.file === 'syntax.yaml');
    expect(syntax?.level).toBeGreaterThanOrEqual(50);
    expect(syntax?.errors?.[0]).toMatch(/^syntax\.yaml:\d+:\d+ /);

    for (const id of ['a', 'b']) {
      const execution = await run(id);
      expect(execution, id).toMatchObject({ flowId: id, flowRevision: 1 });
      expect((await waitForEnd(server.url, (execution as ExecutionJson).id)).state.current).toBe('SUCCESS');
    }
    expect((await api(server.url, '/api/v1/main/flows/e2e.dir/bad')).status).toBe(404);
  });

  it('reloads when a file is added or changed: the new flow answers, the changed one gets a new revision', async () => {
    writeFileSync(join(dir, 'c.yaml'), flow('c', 'c is new'));
    writeFileSync(join(dir, 'a.yaml'), flow('a', 'second a'));
    const c = await eventually(async () => {
      const result = await run('c');
      return typeof result === 'object' ? result : undefined;
    }, 5000, 100);
    expect(c).toMatchObject({ flowId: 'c', flowRevision: 1 });
    const a = await eventually(async () => {
      const found = (await (await api(server.url, '/api/v1/main/flows/e2e.dir/a')).json()) as { revision: number; source: string };
      return found.revision === 2 ? found : undefined;
    }, 5000, 100);
    expect(a.source).toBe(flow('a', 'second a'));
    // An unchanged file makes no new revision.
    expect(((await (await api(server.url, '/api/v1/main/flows/e2e.dir/b')).json()) as { revision: number }).revision).toBe(1);

    const execution = (await run('a')) as ExecutionJson;
    expect(execution.flowRevision).toBe(2);
    await waitForEnd(server.url, execution.id);
    const lines = (await (await api(server.url, `/api/v1/main/logs/${execution.id}`)).json()) as { message: string }[];
    expect(lines.map((l) => l.message)).toEqual(['second a']);

    // Fixing a bad file loads it on the next change.
    writeFileSync(join(dir, 'bad.yaml'), flow('bad', 'fixed'));
    await eventually(async () => ((await api(server.url, '/api/v1/main/flows/e2e.dir/bad')).status === 200 ? true : undefined), 5000, 100);
  });

  it('hears changes in subfolders, and in a folder created after the start', async () => {
    writeFileSync(join(dir, 'team', 'b.yml'), flow('b', 'second b'));
    await eventually(async () => {
      const found = (await (await api(server.url, '/api/v1/main/flows/e2e.dir/b')).json()) as { revision: number };
      return found.revision === 2 ? true : undefined;
    }, 5000, 100);
    mkdirSync(join(dir, 'ops'));
    writeFileSync(join(dir, 'ops', 'd.yaml'), flow('d', 'd in a new folder'));
    await eventually(async () => (typeof (await run('d')) === 'object' ? true : undefined), 5000, 100);
    // The new folder is watched from then on: a later edit in it is heard too.
    writeFileSync(join(dir, 'ops', 'd.yaml'), flow('d', 'd edited'));
    await eventually(async () => {
      const found = (await (await api(server.url, '/api/v1/main/flows/e2e.dir/d')).json()) as { revision: number };
      return found.revision === 2 ? true : undefined;
    }, 5000, 100);
  });
});
