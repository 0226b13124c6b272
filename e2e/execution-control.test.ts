import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, getExecution, waitForEnd, type ExecutionJson, type ProblemJson } from './support/api.js';
import { RUNTIMES, type RuntimeSetup } from './support/runtimes.js';
import { eventually, startServer, type ServerProcess } from './support/server-process.js';

// Kill, restart and replay through the built server's API, on each runtime: Kestra's routes,
// status codes and shapes. What each control does to the task runs is tested in the engine.

const pluginsDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'plugins');
const NS = 'e2e.control';
const flows = {
  slow: `id: slow\nnamespace: ${NS}\ntasks:\n  - id: wait\n    type: io.sluice.test.Sleep\n    ms: 60000\n  - id: after\n    type: io.kestra.plugin.core.log.Log\n    message: never\n`,
  broken: `id: broken\nnamespace: ${NS}\ntasks:\n  - id: boom\n    type: io.sluice.test.Fail\n    message: boom\n`,
  waiting: `id: waiting\nnamespace: ${NS}\ntasks:\n  - id: flaky\n    type: io.sluice.test.Fail\n    message: not yet\n    retry: { type: constant, interval: PT1H, maxAttempt: 3 }\n`,
  fine: `id: fine\nnamespace: ${NS}\ntasks:\n  - id: one\n    type: io.kestra.plugin.core.log.Log\n    message: one\n  - id: two\n    type: io.kestra.plugin.core.log.Log\n    message: two\n`,
};

type Run = Omit<ExecutionJson, 'taskRunList'> & { originalId?: string; taskRunList: { id: string; taskId: string; state: { current: string }; attempts?: { state: { current: string } }[] }[] };

describe.each(RUNTIMES)('execution control on the $name runtime', ({ make }) => {
  let server: ServerProcess;
  let runtime: RuntimeSetup;

  beforeAll(async () => {
    runtime = make('control');
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_SHUTDOWN_GRACE_MS: '500' });
    for (const yaml of Object.values(flows)) await createFlow(server.url, yaml);
  });
  afterAll(async () => {
    await server?.stop();
    await runtime?.cleanup();
  });

  const start = async (flowId: string): Promise<Run> => {
    const res = await api(server.url, `/api/v1/main/executions/${NS}/${flowId}`, { method: 'POST' });
    expect(res.status).toBe(200);
    return (await res.json()) as Run;
  };
  const control = (method: string, path: string) => api(server.url, `/api/v1/main/executions/${path}`, { method });
  const problemOf = async (res: Response, status: number): Promise<ProblemJson & { code?: string; state?: string }> => {
    const body = (await res.json()) as ProblemJson & { code?: string; state?: string };
    expect(res.status, JSON.stringify(body)).toBe(status);
    return body;
  };

  it('kill: 202, the running task is aborted and the execution ends KILLED; 409 once ended; 404 when unknown', async () => {
    const { id } = await start('slow');
    await eventually(async () => ((await getExecution(server.url, id)).taskRunList?.some((r) => r.taskId === 'wait' && r.state.current === 'RUNNING') ? true : undefined), 10_000);
    const res = await control('DELETE', `${id}/kill`);
    expect(res.status).toBe(202);
    const ended = (await waitForEnd(server.url, id)) as Run;
    expect(ended.state.current).toBe('KILLED');
    expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'KILLING', 'KILLED']);
    expect(ended.taskRunList.map((r) => `${r.taskId} ${r.state.current}`)).toEqual(['wait KILLED']);
    const again = await problemOf(await control('DELETE', `${id}/kill`), 409);
    expect(again).toMatchObject({ code: 'EXECUTION_ENDED', state: 'KILLED' });
    await problemOf(await control('DELETE', '0000000000000000000000/kill'), 404);
    await problemOf(await control('DELETE', `${id}/kill?isOnKillCascade=maybe`), 400);
  });

  it('kill: an execution waiting for a retry an hour away ends KILLED at once, without another attempt', async () => {
    const { id } = await start('waiting');
    await eventually(async () => ((await getExecution(server.url, id)).state.current === 'RETRYING' ? true : undefined), 10_000);
    expect((await control('DELETE', `${id}/kill`)).status).toBe(202);
    const ended = (await waitForEnd(server.url, id)) as Run;
    expect(ended.state.current).toBe('KILLED');
    expect(ended.taskRunList.map((r) => `${r.taskId} ${r.state.current} ${(r.attempts ?? []).map((a) => a.state.current).join(',')}`)).toEqual(['flaky KILLED FAILED']);
  });

  it('restart: the same execution runs its failed task again as a new attempt; 409 for a SUCCESS one', async () => {
    const { id } = await start('broken');
    expect((await waitForEnd(server.url, id)).state.current).toBe('FAILED');
    const res = await control('POST', `${id}/restart`);
    const restarted = (await res.json()) as Run;
    expect(res.status, JSON.stringify(restarted)).toBe(200);
    expect(restarted.id).toBe(id);
    expect(restarted.state.current).toBe('RESTARTED');
    const ended = (await eventually(async () => {
      const e = (await getExecution(server.url, id)) as Run;
      return e.state.histories.length > 4 && ['FAILED', 'SUCCESS'].includes(e.state.current) ? e : undefined;
    }, 10_000)) as Run;
    expect(ended.state.histories.map((h) => h.state)).toEqual(['CREATED', 'RUNNING', 'FAILED', 'RESTARTED', 'RUNNING', 'FAILED']);
    expect(ended.taskRunList[0]?.attempts?.map((a) => a.state.current)).toEqual(['FAILED', 'FAILED']);

    const fine = await start('fine');
    await waitForEnd(server.url, fine.id);
    const refused = await problemOf(await control('POST', `${fine.id}/restart`), 409);
    expect(refused).toMatchObject({ code: 'EXECUTION_NOT_RESTARTABLE', state: 'SUCCESS' });
    expect(refused.message).toContain("Cannot restart execution: current state is 'SUCCESS'");
  });

  it('replay: a new execution from the start or from a task run, labelled, the original marked; 422 for an unknown task run', async () => {
    const { id } = await start('fine');
    const original = (await waitForEnd(server.url, id)) as Run;
    const res = await control('POST', `${id}/replay`);
    const replay = (await res.json()) as Run;
    expect(res.status, JSON.stringify(replay)).toBe(200);
    expect(replay.id).not.toBe(id);
    expect(replay.originalId).toBe(id);
    expect(replay.labels).toContainEqual({ key: 'system.replay', value: 'true' });
    expect((await waitForEnd(server.url, replay.id)).state.current).toBe('SUCCESS');
    expect((await getExecution(server.url, id)).labels).toContainEqual({ key: 'system.replayed', value: 'true' });

    const two = original.taskRunList.find((r) => r.taskId === 'two') as Run['taskRunList'][number];
    const from = (await (await control('POST', `${id}/replay?taskRunId=${two.id}`)).json()) as Run;
    expect(from.taskRunList.map((r) => `${r.taskId} ${r.state.current}`)).toEqual(['one SUCCESS', 'two RESTARTED']);
    const ended = (await waitForEnd(server.url, from.id)) as Run;
    expect(ended.taskRunList.map((r) => `${r.taskId} ${r.state.current}`)).toEqual(['one SUCCESS', 'two SUCCESS']);
    expect(ended.taskRunList.find((r) => r.taskId === 'one')?.attempts).toHaveLength(1);

    const unknown = await problemOf(await control('POST', `${id}/replay?taskRunId=nope`), 422);
    expect(unknown.detail).toBe("Task run id 'nope' not found in execution");
    await problemOf(await control('POST', `${id}/replay?revision=0`), 400);
    await problemOf(await control('POST', `${id}/replay?revision=99`), 422);
  });
});
