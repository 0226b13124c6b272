import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createFlow, getExecution, waitForEnd, type ProblemJson } from './support/api.js';
import { eventually, startServer, type ServerProcess } from './support/server-process.js';

// Issue 17, point 3: a paused or sleeping execution holds no worker and lives in the store and
// the queue only, so the standalone server killed with SIGKILL while it waits loses nothing: after
// a restart the Sleep ends on its own, and the Pause is resumed through Kestra's route.

const approval = `id: approval
namespace: e2e.waits
tasks:
  - id: wait_for_approval
    type: io.kestra.plugin.core.flow.Pause
    onResume:
      - id: reason
        type: STRING
      - id: approved
        type: BOOLEAN
        defaults: true
  - id: after
    type: io.kestra.plugin.core.output.OutputValues
    values:
      reason: "{{ outputs.wait_for_approval.onResume.reason }}"
      approved: "{{ outputs.wait_for_approval.onResume.approved }}"
`;

const nap = `id: nap
namespace: e2e.waits
tasks:
  - id: sleep
    type: io.kestra.plugin.core.flow.Sleep
    duration: PT1.5S
  - id: after
    type: io.kestra.plugin.core.log.Log
    message: woke up
`;

describe('Pause and Sleep across a SIGKILL of the standalone server', () => {
  const processes: ServerProcess[] = [];
  const data = mkdtempSync(join(tmpdir(), 'sluice-e2e-waits-'));
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    rmSync(data, { recursive: true, force: true });
  });

  it('keeps a paused and a sleeping execution; after a restart the Sleep ends and the Pause is resumed with its inputs', async () => {
    const env = { SLUICE_DATA_DIR: data };
    const first = await startServer(['server', 'standalone'], env);
    processes.push(first);
    await createFlow(first.url, approval);
    await createFlow(first.url, nap);
    const start = async (flowId: string) => {
      const res = await api(first.url, `/api/v1/main/executions/e2e.waits/${flowId}`, { method: 'POST' });
      expect(res.status).toBe(200);
      return ((await res.json()) as { id: string }).id;
    };
    const paused = await start('approval');
    const sleeping = await start('nap');
    await eventually(async () => ((await getExecution(first.url, paused)).state.current === 'PAUSED' ? true : undefined));
    await eventually(async () => ((await getExecution(first.url, sleeping)).taskRunList?.some((r) => r.taskId === 'sleep') ? true : undefined));
    await first.stop('SIGKILL');
    processes.pop();

    const second = await startServer(['server', 'standalone'], env);
    processes.push(second);
    // The Sleep's delayed job survived in the SQLite file.
    const woke = await waitForEnd(second.url, sleeping, 15_000);
    expect(woke.state.current).toBe('SUCCESS');
    expect(woke.taskRunList?.map((r) => `${r.taskId} ${r.state.current}`)).toEqual(['sleep SUCCESS', 'after SUCCESS']);

    expect((await getExecution(second.url, paused)).state.current).toBe('PAUSED');
    const resume = (body: FormData | string, type?: string) =>
      api(second.url, `/api/v1/main/executions/${paused}/resume`, { method: 'POST', body, ...(type ? { headers: { 'content-type': type } } : {}) });
    // A required onResume input missing: 422 naming it, and the execution stays paused.
    const missing = await resume(new FormData());
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as ProblemJson).errors).toEqual([{ path: 'onResume.reason', message: "missing required input value 'reason'" }]);
    const form = new FormData();
    form.set('reason', 'well-deserved');
    form.set('approved', 'false');
    expect((await resume(form)).status).toBe(204);
    const done = await waitForEnd(second.url, paused);
    expect(done.state.current).toBe('SUCCESS');
    expect(done.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'PAUSED', 'RESTARTED', 'RUNNING', 'SUCCESS']);
    const after = (await (await api(second.url, `/api/v1/main/executions/${paused}`)).json()) as { taskRunList: { taskId: string; outputs: unknown }[] };
    expect(after.taskRunList.find((r) => r.taskId === 'after')?.outputs).toEqual({ values: { reason: 'well-deserved', approved: 'false' } });
    // Not paused any more: 409 in Kestra's words.
    const again = await resume('{}', 'application/json');
    expect(again.status).toBe(409);
    expect(((await again.json()) as ProblemJson).detail).toContain('is not paused');
    expect((await api(second.url, '/api/v1/main/executions/0000000000000000000000/resume', { method: 'POST' })).status).toBe(404);
  });
});
