import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlow, deleteKeys, postJson, type ExecutionJson } from './support/api.js';
import { allExecutions, countIn, load, pluginsDir, recordsOf, rerunProblems, sleep, startedCount, type Outcome } from './support/reliability.js';
import { REDIS_URL, eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';
import { freePort, startRedis, type ThrowawayRedis } from './support/throwaway-redis.js';

// Issue 5, items 2 and 3: SIGTERM to a webserver under load and to a worker holding work. The
// process is gone within its grace period (SLUICE_SHUTDOWN_GRACE_MS) whatever its clients and
// tasks do; every 2xx answer names a stored and queued execution; requests that arrive while it
// stops get 503; a worker finishes what it can within the grace and hands back the rest, so
// another worker ends it and nothing is lost or run twice.

const NS = 'e2e.shutdown';
const KEY = 'shutdown-key-0123456789';
// The stop drains until the grace less a reserve (a quarter of it, at most a second) kept for
// closing connections, so the process is gone before the grace ends; this much more is allowed
// for a loaded machine to deliver the signal and reap the process.
const SLACK_MS = 500;

const recordFlow = (id: string, dir: string, props: string) => `id: ${id}
namespace: ${NS}
tasks:
  - id: work
    type: io.sluice.test.Record
    dir: "${dir}"
${props}
triggers:
  - id: hook
    type: io.kestra.plugin.core.trigger.Webhook
    key: ${KEY}
`;

/** A client on a raw socket, so a test decides when each byte of its request is sent. */
function rawClient(base: string): { socket: Socket; connected: Promise<void>; closed: Promise<void>; status: () => number; text: () => string } {
  const { hostname, port } = new URL(base);
  const socket = connect(Number(port), hostname);
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (data += chunk));
  socket.on('error', () => undefined);
  return {
    socket,
    connected: new Promise((resolve) => socket.once('connect', () => resolve())),
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
    status: () => Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0),
    text: () => data,
  };
}

/** Sends SIGTERM and resolves with the exit code and how long the process took to go. */
async function terminate(process: ServerProcess): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const code = await process.stop('SIGTERM');
  return { code, ms: Date.now() - started };
}

describe('SIGTERM to a webserver under load (bullmq runtime)', () => {
  const processes: ServerProcess[] = [];
  const prefix = uniquePrefix('stopweb');
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await deleteKeys(prefix);
  });

  it('answers what it took, 503 to what arrives while it stops, and exits within its grace; every 2xx is stored and queued', async () => {
    const grace = 3000;
    const web = await startServer(['server', 'webserver'], { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_SHUTDOWN_GRACE_MS: String(grace) });
    processes.push(web);
    await createFlow(web.url, `id: stop\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);
    const path = `/api/v1/main/executions/webhook/${NS}/stop/${KEY}`;

    let exited = false;
    const loading = load(`${web.url}${path}`, { parallel: 12, until: () => exited, timeoutMs: 10_000 });
    await sleep(1000);

    // In flight at the signal: one whose headers are in and whose body is half sent; one whose
    // headers are not complete yet; and one that trickles its headers for ever.
    const body = JSON.stringify({ slow: 'x'.repeat(40) });
    const inFlight = rawClient(web.url);
    const late = rawClient(web.url);
    const trickler = rawClient(web.url);
    await Promise.all([inFlight.connected, late.connected, trickler.connected]);
    inFlight.socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`);
    late.socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\n`);
    trickler.socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\n`);
    const trickle = setInterval(() => trickler.socket.write('X-Slow: 1\r\n'), 200);
    await sleep(200);

    try {
      const stopping = terminate(web);
      await sleep(300);
      late.socket.write(`Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
      await sleep(300);
      inFlight.socket.write(body.slice(10));
      const { code, ms } = await stopping;
        exited = true;
      const outcomes: Outcome[] = await loading;

      // Gone within the grace, on its own (the backstop would exit 1), the trickler notwithstanding.
      expect(code).toBe(0);
      expect(ms).toBeLessThan(grace + SLACK_MS);
      await Promise.all([inFlight.closed, late.closed, trickler.closed]);

      // The request it had taken is answered 200; the one that arrived while stopping, 503.
      expect(inFlight.status(), inFlight.text()).toBe(200);
      const slowId = (JSON.parse(inFlight.text().slice(inFlight.text().indexOf('\r\n\r\n') + 4)) as ExecutionJson).id;
      expect(late.status(), late.text()).toBe(503);
      expect(late.text()).toMatch(/\r\nretry-after: \d+\r\n/i);

      // Under load: 200s, then 503s with Retry-After or refused connections; nothing else.
      const byStatus = (status: number) => outcomes.filter((o) => o.status === status);
      expect(outcomes.filter((o) => ![200, 503, 0].includes(o.status)).map((o) => o.status)).toEqual([]);
      expect(byStatus(200).length).toBeGreaterThan(50);
      for (const o of byStatus(503)) expect(o.retryAfter).toMatch(/^\d+$/);

      // Every 2xx names an execution that is stored and queued (a job with its id).
      const ids = [...byStatus(200).map((o) => o.id!), slowId];
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      try {
        const stored = await redis.pipeline(ids.map((id) => ['exists', `${prefix}:execution:{${id}}`])).exec();
        const queued = await redis.pipeline(ids.map((id) => ['exists', `${prefix}:{executions}:${id}`])).exec();
        expect(ids.filter((_, i) => stored?.[i]?.[1] !== 1), 'acknowledged but not stored').toEqual([]);
        expect(ids.filter((_, i) => queued?.[i]?.[1] !== 1), 'acknowledged but not queued').toEqual([]);
      } finally {
        redis.disconnect();
      }
    } finally {
      clearInterval(trickle);
      for (const c of [inFlight, late, trickler]) c.socket.destroy();
    }
  });
});

describe('SIGTERM to a worker (bullmq runtime)', () => {
  const processes: ServerProcess[] = [];
  const prefixes: string[] = [];
  const dirs: string[] = [];
  let redis: ThrowawayRedis | undefined;
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await redis?.stop();
    redis = undefined;
    for (const prefix of prefixes.splice(0)) await deleteKeys(prefix);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const setup = () => {
    const prefix = uniquePrefix('stopworker');
    prefixes.push(prefix);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-runs-'));
    dirs.push(dir);
    return { prefix, dir };
  };

  it('finishes within the grace what can finish, hands back what cannot (a task that ignores its signal too), and another worker ends it; nothing lost or run twice', async () => {
    const { prefix, dir } = setup();
    const grace = 2500;
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_CONCURRENCY: '8', SLUICE_WORKER_LOCK_MS: '2000', SLUICE_SHUTDOWN_GRACE_MS: String(grace) };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    await createFlow(web.url, recordFlow('quick', dir, '    ms: 400'));
    await createFlow(web.url, recordFlow('long', dir, '    ms: 10\n    firstAttemptMs: 60000'));
    await createFlow(web.url, recordFlow('stuck', dir, '    ms: 10\n    hangAttempts: 1'));
    const worker = await startServer(['worker'], env);
    processes.push(worker);

    // The long and the stuck ones first, so the worker holds them when it is told to stop.
    const start = async (flowId: string) => ((await (await postJson(web.url, NS, flowId, KEY, {})).json()) as ExecutionJson).id;
    const long = [await start('long'), await start('long')];
    const stuck = [await start('stuck')];
    const quick: string[] = [];
    for (let i = 0; i < 12; i++) quick.push(await start('quick'));
    await eventually(async () => (startedCount(dir) >= 8 ? true : undefined), 15_000, 20);

    const { code, ms } = await terminate(worker);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(grace + SLACK_MS);
    const byWorker = (id: string) => recordsOf(dir, id, 'work').filter((r) => r.pid === worker.child.pid);
    // What it had started and could finish, it finished before going: one attempt, ended there.
    const finishedThere = quick.filter((id) => byWorker(id).some((r) => r.event === 'end'));
    expect(finishedThere.length).toBeGreaterThan(0);
    // Nothing it started is left half done but what outlived the grace.
    for (const id of quick) {
      const runs = byWorker(id);
      expect(runs.filter((r) => r.event === 'start').length, id).toBe(runs.filter((r) => r.event === 'end').length);
    }

    processes.push(await startServer(['worker'], env));
    for (const flowId of ['quick', 'long', 'stuck']) {
      const total = flowId === 'quick' ? quick.length : flowId === 'long' ? long.length : stuck.length;
      await eventually(async () => ((await countIn(web.url, NS, flowId, ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'])) === total ? true : undefined), 30_000, 200);
      const executions = await allExecutions(web.url, NS, flowId);
      expect(executions.map((e) => e.state.current)).toEqual(executions.map(() => 'SUCCESS'));
      expect(executions.flatMap((e) => rerunProblems(dir, e, ['work']))).toEqual([]);
      for (const e of executions) {
        const attempts = e.taskRunList[0]!.attempts.map((a) => a.state.current);
        if (flowId === 'quick') expect(attempts, e.id).toEqual(['SUCCESS']);
        // Cut short by the stop, then resumed by the other worker as a new attempt.
        else expect(attempts, e.id).toEqual(['RESUBMITTED', 'SUCCESS']);
      }
    }
  });

  it('a standalone process with a client still sending and a task still running exits within one grace, not one for each', async () => {
    const { prefix, dir } = setup();
    const grace = 2000;
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_SHUTDOWN_GRACE_MS: String(grace), SLUICE_WORKER_LOCK_MS: '2000' };
    const standalone = await startServer(['server', 'standalone'], env);
    processes.push(standalone);
    await createFlow(standalone.url, recordFlow('long', dir, '    ms: 10\n    firstAttemptMs: 60000'));
    const id = ((await (await postJson(standalone.url, NS, 'long', KEY, {})).json()) as ExecutionJson).id;
    await eventually(async () => (startedCount(dir) >= 1 ? true : undefined), 15_000, 20);
    const trickler = rawClient(standalone.url);
    await trickler.connected;
    trickler.socket.write(`POST /api/v1/main/executions/webhook/${NS}/long/${KEY} HTTP/1.1\r\nHost: x\r\n`);
    const trickle = setInterval(() => trickler.socket.write('X-Slow: 1\r\n'), 200);
    try {
      const { code, ms } = await terminate(standalone);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(grace + SLACK_MS);
    } finally {
      clearInterval(trickle);
      trickler.socket.destroy();
    }
    // Handed back, not lost: the next process ends it.
    const next = await startServer(['server', 'standalone'], env);
    processes.push(next);
    await eventually(async () => ((await countIn(next.url, NS, 'long', ['SUCCESS'])) === 1 ? true : undefined), 20_000, 200);
    const [execution] = await allExecutions(next.url, NS, 'long');
    expect(execution!.id).toBe(id);
    expect(execution!.taskRunList[0]!.attempts.map((a) => a.state.current)).toEqual(['RESUBMITTED', 'SUCCESS']);
    expect(rerunProblems(dir, execution!, ['work'])).toEqual([]);
  });

  it('exits within the grace even when Redis is gone while it stops (worker.close cannot hang)', async () => {
    const { prefix, dir } = setup();
    redis = await startRedis(await freePort());
    const grace = 2000;
    const env = { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: prefix, SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_SHUTDOWN_GRACE_MS: String(grace) };
    const web = await startServer(['server', 'webserver'], env);
    processes.push(web);
    await createFlow(web.url, recordFlow('held', dir, '    ms: 60000'));
    const worker = await startServer(['worker'], env);
    processes.push(worker);
    expect((await postJson(web.url, NS, 'held', KEY, {})).status).toBe(200);
    await eventually(async () => (startedCount(dir) >= 1 ? true : undefined), 15_000, 20);

    await redis.stop('SIGKILL');
    await sleep(200);
    const { code, ms } = await terminate(worker);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(grace + SLACK_MS);
  });
});
