import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createFlow, postJson, waitForEnd, type ExecutionJson } from './support/api.js';
import { pluginsDir } from './support/reliability.js';
import { RUNTIMES } from './support/runtimes.js';
import { startServer, type ServerProcess } from './support/server-process.js';

// Issue 5, item 5: a task that throws and a task that hangs (it ignores its abort signal). Both
// end FAILED with the error in the execution's log; the task's timeout ends the hanging one;
// meanwhile, and after, the worker goes on serving other executions.

const NS = 'e2e.tasks';
const KEY = 'tasks-key-0123456789';
const hook = `triggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`;

interface LogJson { level: string; taskId?: string; message: string }

describe.each(RUNTIMES)('tasks that throw or hang, on the $name runtime', ({ make }) => {
  const runtime = make('tasks');
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(['server', 'standalone'], { ...runtime.env, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: '4', SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, `id: throws\nnamespace: ${NS}\ntasks:\n  - id: boom\n    type: io.sluice.test.Fail\n    message: "exploded on {{ trigger.body.n }}"\n  - id: after\n    type: io.kestra.plugin.core.log.Log\n    message: never\n${hook}`);
    await createFlow(server.url, `id: hangs\nnamespace: ${NS}\ntasks:\n  - id: stuck\n    type: io.sluice.test.Hang\n    timeout: PT2S\n${hook}`);
    await createFlow(server.url, `id: quick\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: "quick {{ trigger.body.n }}"\n${hook}`);
  });
  afterAll(async () => {
    await server.stop();
    await runtime.cleanup();
  });

  const start = async (flowId: string, n: number): Promise<string> => {
    const res = await postJson(server.url, NS, flowId, KEY, { n });
    expect(res.status).toBe(200);
    return ((await res.json()) as ExecutionJson).id;
  };
  const logs = async (id: string) => (await (await api(server.url, `/api/v1/main/logs/${id}`)).json()) as LogJson[];
  const endedAt = (e: ExecutionJson) => Date.parse(e.state.histories.at(-1)!.date);

  it('FAILED with the error in the log; the timeout ends the hanging task; others are served meanwhile and after', async () => {
    // Two slots of four taken by tasks that never end on their own.
    const hanging = [await start('hangs', 1), await start('hangs', 2)];
    const thrown = await start('throws', 7);
    const quick: string[] = [];
    for (let n = 0; n < 6; n++) quick.push(await start('quick', n));

    const failed = await waitForEnd(server.url, thrown, 10_000);
    expect(failed.state.current).toBe('FAILED');
    expect(failed.taskRunList?.map((t) => [t.taskId, t.state.current])).toEqual([['boom', 'FAILED']]);
    expect((await logs(thrown)).filter((l) => l.level === 'ERROR').map((l) => [l.taskId, l.message])).toEqual([['boom', 'exploded on 7']]);

    const served = await Promise.all(quick.map((id) => waitForEnd(server.url, id, 10_000)));
    expect(served.map((e) => e.state.current)).toEqual(quick.map(() => 'SUCCESS'));

    const timedOut = await Promise.all(hanging.map((id) => waitForEnd(server.url, id, 15_000)));
    for (const e of timedOut) {
      expect(e.state.current).toBe('FAILED');
      expect((await logs(e.id)).filter((l) => l.level === 'ERROR').map((l) => [l.taskId, l.message])).toEqual([['stuck', "task 'stuck' timed out after PT2S"]]);
      const ran = endedAt(e) - Date.parse(e.state.histories[0]!.date);
      expect(ran).toBeGreaterThanOrEqual(2000);
      expect(ran).toBeLessThan(8000);
    }
    // The others did not wait for the hanging ones.
    expect(Math.max(...served.map(endedAt))).toBeLessThan(Math.min(...timedOut.map(endedAt)));

    // And after: the worker goes on serving once the timeouts have freed the slots.
    const later: string[] = [];
    for (let n = 10; n < 14; n++) later.push(await start('quick', n));
    const after = await Promise.all(later.map((id) => waitForEnd(server.url, id, 10_000)));
    expect(after.map((e) => e.state.current)).toEqual(later.map(() => 'SUCCESS'));
    expect(server.child.exitCode).toBeNull();
  });
});
