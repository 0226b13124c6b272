import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, createFlow, getExecution, postJson, waitForEnd, webhook, type ExecutionJson, type ProblemJson } from './support/api.js';
import { RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// The web UI's actions that need the server's word: a save refused when the flow moved on
// (If-Match), each schedule trigger's next runs and last tick, and deleting an execution.

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const NS = 'e2e.ui.actions';
const yaml = { 'content-type': 'application/x-yaml' };

const edited = (message: string) => `id: edited
namespace: ${NS}
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "${message}"
`;

const SCHEDULED = `id: scheduled
namespace: ${NS}
tasks:
  - id: say
    type: io.kestra.plugin.core.log.Log
    message: "tick {{ trigger.date }}"
triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 3 * * *"
  - id: off
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 4 * * *"
    disabled: true
  - id: secondly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "*/2 * * * * *"
    withSeconds: true
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: scheduled-key-0123456789
`;

const RUNS = `id: runs
namespace: ${NS}
tasks:
  - id: first
    type: io.kestra.plugin.core.log.Log
    message: "line one"
  - id: wait
    type: io.sluice.test.Sleep
    ms: "{{ trigger.body.ms }}"
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: runs-key-0123456789
`;

interface ScheduleJson {
  triggerId: string;
  scheduled: boolean;
  reason?: string;
  nextRuns: string[];
  lastTick?: { date: string; executionId?: string; state?: string };
}

describe.each(RUNTIMES)('the UI\'s actions on the $name runtime', ({ make }) => {
  let server: ServerProcess;
  let runtime: RuntimeSetup;
  const put = (source: string, ifMatch?: string) =>
    api(server.url, `/api/v1/main/flows/${NS}/edited`, { method: 'PUT', headers: { ...yaml, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }, body: source });

  beforeAll(async () => {
    runtime = make('ui-actions');
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_SHUTDOWN_GRACE_MS: '500' });
    for (const flow of [edited('v1'), SCHEDULED, RUNS]) await createFlow(server.url, flow);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
  });

  describe('PUT /flows/{ns}/{id} with If-Match', () => {
    it('saves while the revision named is the latest, and answers 409 naming both once the flow moved on', async () => {
      const read = await api(server.url, `/api/v1/main/flows/${NS}/edited`);
      const etag = read.headers.get('etag');
      const { revision } = (await read.json()) as { revision: number };
      expect(etag).toBe(`"${revision}"`);
      const first = await put(edited('mine'), etag ?? '');
      expect(first.status, await first.clone().text()).toBe(200);
      expect(first.headers.get('etag')).toBe(`"${revision + 1}"`);
      // A second editor who read the same revision: refused, nothing saved.
      const second = await put(edited('theirs'), etag ?? '');
      expect(second.status).toBe(409);
      const body = (await second.json()) as ProblemJson & { code: string; expectedRevision: number; currentRevision: number };
      expect(body).toMatchObject({ status: 409, code: 'FLOW_REVISION_CONFLICT', expectedRevision: revision, currentRevision: revision + 1 });
      expect(body.detail).toContain(`revision ${revision + 1}`);
      const latest = (await (await api(server.url, `/api/v1/main/flows/${NS}/edited`)).json()) as { revision: number; source: string };
      expect(latest).toMatchObject({ revision: revision + 1, source: edited('mine') });
    });

    it('lets exactly one of two saves of the same revision through, however close they are', async () => {
      const { revision } = (await (await api(server.url, `/api/v1/main/flows/${NS}/edited`)).json()) as { revision: number };
      const answers = await Promise.all(['a', 'b', 'c'].map((m) => put(edited(`race ${m}`), `"${revision}"`)));
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      const revisions = (await (await api(server.url, `/api/v1/main/flows/${NS}/edited/revisions`)).json()) as { revision: number }[];
      expect(revisions.at(-1)?.revision).toBe(revision + 1);
    });

    it('refuses an If-Match that is not a quoted revision, and saves without one as Kestra does', async () => {
      const bad = await put(edited('bad'), '3');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as ProblemJson).errors?.[0]?.path).toBe('If-Match');
      expect((await put(edited('no header'))).status).toBe(200);
      expect((await put(edited('star'), '*')).status).toBe(200);
      expect((await api(server.url, `/api/v1/main/flows/${NS}/missing`, { method: 'PUT', headers: { ...yaml, 'if-match': '"1"' }, body: edited('x').replace('id: edited', 'id: missing') })).status).toBe(404);
    });
  });

  describe('GET /flows/{ns}/{id}/schedules', () => {
    it('gives each schedule trigger its next runs from its calendar, and why a disabled one has none', async () => {
      const res = await api(server.url, `/api/v1/main/flows/${NS}/scheduled/schedules`);
      expect(res.status).toBe(200);
      const views = (await res.json()) as ScheduleJson[];
      expect(views.map((v) => v.triggerId)).toEqual(['nightly', 'off', 'secondly']);
      const nightly = views[0]?.nextRuns ?? [];
      expect(nightly).toHaveLength(5);
      for (const [i, run] of nightly.entries()) {
        expect(run).toMatch(/T03:00:00\.000Z$/);
        if (i > 0) expect(Date.parse(run) - Date.parse(nightly[i - 1] ?? '')).toBe(86_400_000);
      }
      expect(views[1]).toEqual({ triggerId: 'off', type: 'io.kestra.plugin.core.trigger.Schedule', scheduled: false, reason: 'the trigger is disabled', nextRuns: [] });
      expect((await api(server.url, `/api/v1/main/flows/${NS}/nope/schedules`)).status).toBe(404);
    });

    it('names the last tick the clock delivered and the execution it started', async () => {
      const last = await vi.waitFor(async () => {
        const views = (await (await api(server.url, `/api/v1/main/flows/${NS}/scheduled/schedules`)).json()) as ScheduleJson[];
        const tick = views.find((v) => v.triggerId === 'secondly')?.lastTick;
        expect(tick?.executionId).toBeDefined();
        return tick;
      }, { timeout: 15_000, interval: 200 });
      const execution = await getExecution(server.url, last?.executionId ?? '');
      expect(execution.trigger?.id).toBe('secondly');
      expect(Date.parse(last?.date ?? '') % 2000).toBe(0);
    });
  });

  describe('DELETE /executions/{id}', () => {
    it('deletes an ended execution with its logs: 204, then 404 for it and its logs', async () => {
      const started = (await (await postJson(server.url, NS, 'runs', 'runs-key-0123456789', { ms: 0 })).json()) as ExecutionJson;
      await waitForEnd(server.url, started.id);
      expect((await (await api(server.url, `/api/v1/main/logs/${started.id}`)).json()) as unknown[]).not.toHaveLength(0);
      const res = await api(server.url, `/api/v1/main/executions/${started.id}`, { method: 'DELETE' });
      expect(res.status).toBe(204);
      expect((await api(server.url, `/api/v1/main/executions/${started.id}`)).status).toBe(404);
      expect((await api(server.url, `/api/v1/main/logs/${started.id}`)).status).toBe(404);
      const search = (await (await api(server.url, `/api/v1/main/executions/search?namespace=${NS}&flowId=runs`)).json()) as { results: ExecutionJson[] };
      expect(search.results.map((e) => e.id)).not.toContain(started.id);
      expect((await api(server.url, `/api/v1/main/executions/${started.id}`, { method: 'DELETE' })).status).toBe(404);
      expect((await api(server.url, '/api/v1/main/executions/6l7nSIRtxWgqNQLNpOsK1A', { method: 'DELETE' })).status).toBe(404);
    });

    it('refuses a running execution with 409 naming its state, and flags that would keep its logs with 400', async () => {
      const started = (await (await postJson(server.url, NS, 'runs', 'runs-key-0123456789', { ms: 3000 })).json()) as ExecutionJson;
      await vi.waitFor(async () => expect((await getExecution(server.url, started.id)).state.current).toBe('RUNNING'), { timeout: 10_000, interval: 50 });
      const res = await api(server.url, `/api/v1/main/executions/${started.id}`, { method: 'DELETE' });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'EXECUTION_NOT_ENDED', state: 'RUNNING' });
      expect((await getExecution(server.url, started.id)).state.current).toBe('RUNNING');
      const kept = await api(server.url, `/api/v1/main/executions/${started.id}?deleteLogs=false`, { method: 'DELETE' });
      expect(kept.status).toBe(400);
      expect(((await kept.json()) as ProblemJson).errors?.[0]?.path).toBe('deleteLogs');
      await waitForEnd(server.url, started.id);
      expect((await api(server.url, `/api/v1/main/executions/${started.id}?deleteLogs=true`, { method: 'DELETE' })).status).toBe(204);
    });
  });

  it('still answers the webhook of a flow whose schedules are listed', async () => {
    expect((await webhook(server.url, NS, 'scheduled', 'scheduled-key-0123456789', { method: 'POST' })).status).toBe(200);
  });
});
