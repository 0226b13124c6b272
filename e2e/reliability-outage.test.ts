import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlow, getExecution, postJson, type ExecutionJson } from './support/api.js';
import { allExecutions, finalStates, load, pluginsDir, recordsOf, rerunProblems, sleep, startDurableRedis, type Outcome } from './support/reliability.js';
import { eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';
import { freePort, startRedis, type ThrowawayRedis } from './support/throwaway-redis.js';

// Issue 5, item 4, beyond redis-outage.test.ts (503 at once, liveness, readiness, healing of one
// idle standalone): Redis killed under load and started again on its append-only file, with a
// webserver and a worker in their own processes. Every call answers at once (200, or 503 with
// Retry-After), both processes heal without a restart, and every acknowledged execution ends
// exactly once. And readiness proves the worker consumes: with Redis answering PING but the
// worker's fetch refused, readiness goes DOWN until the worker takes jobs again.

const NS = 'e2e.outage';
const KEY = 'outage-load-key-0123456789';
const TERMINAL = ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'];

describe('Redis killed under load and started again on its AOF (bullmq runtime)', () => {
  const processes: ServerProcess[] = [];
  let redis: ThrowawayRedis | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-aof-'));
  const runsDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-runs-'));
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await redis?.stop();
    redis = undefined;
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(runsDir, { recursive: true, force: true });
  });

  it('answers 200 or 503 with Retry-After in under a second throughout; ingestion and the worker resume without a restart; nothing acknowledged is lost', async () => {
    const port = await freePort();
    redis = await startDurableRedis(port, dataDir);
    const env = { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('outage-load'), SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_LOCK_MS: '2000' };
    const web = await startServer(['server', 'webserver'], env);
    const worker = await startServer(['worker'], env);
    processes.push(web, worker);
    await createFlow(web.url, `id: load\nnamespace: ${NS}\ntasks:\n  - id: work\n    type: io.sluice.test.Record\n    dir: "${runsDir}"\n    ms: 20\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);

    let done = false;
    const PARALLEL = 8;
    const loading = load(`${web.url}/api/v1/main/executions/webhook/${NS}/load/${KEY}`, { parallel: PARALLEL, until: () => done, timeoutMs: 5000 });
    await sleep(1500);

    await redis.stop('SIGKILL');
    const killedAt = Date.now();
    // While it is down: liveness up, readiness down, every call answered at once.
    await sleep(500);
    const live = await fetch(`${web.url}/health/live`, { signal: AbortSignal.timeout(2000) });
    expect(live.status).toBe(200);
    const ready = await fetch(`${web.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
    expect(ready.status).toBe(503);
    await sleep(1500);

    redis = await startDurableRedis(port, dataDir);
    const backAt = Date.now();
    let outcomes: Outcome[] = [];
    try {
      // Ingestion resumes by itself: the load sees 200s again.
      await eventually(async () => (Date.now() - backAt > 1000 && readyNow(web.url) ? true : undefined), 15_000, 100);
      await sleep(1000);
    } finally {
      done = true;
      outcomes = await loading;
    }
    expect(web.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();

    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503).map((o) => `${o.status} ${o.error ?? ''}`)).toEqual([]);
    const down = outcomes.filter((o) => o.status === 503);
    const acknowledged = outcomes.filter((o) => o.status === 200);
    expect(down.length, 'the outage was seen').toBeGreaterThan(0);
    for (const o of down) expect(o.retryAfter).toMatch(/^\d+$/);
    expect(acknowledged.filter((o) => o.startedAt < killedAt).length).toBeGreaterThan(0);
    expect(acknowledged.filter((o) => o.startedAt > backAt).length, 'ingestion resumed').toBeGreaterThan(0);
    // No call hangs: each was answered in under a second, the outage notwithstanding.
    expect(outcomes.filter((o) => o.ms >= 1000).map((o) => `${o.status} after ${o.ms} ms`)).toEqual([]);

    // The worker resumed without a restart: every acknowledged execution, from before the kill
    // and after the return alike, ends exactly once, and no finished run ran again.
    const ids = new Set(acknowledged.map((o) => o.id!));
    await eventually(async () => {
      const executions = await allExecutions(web.url, NS, 'load');
      const open = executions.filter((e) => ids.has(e.id) && !TERMINAL.includes(e.state.current));
      return open.length === 0 ? true : undefined;
    }, 45_000, 250);
    const executions = await allExecutions(web.url, NS, 'load');
    const byId = new Map(executions.map((e) => [e.id, e]));
    expect([...ids].filter((id) => !byId.has(id)), 'acknowledged but lost').toEqual([]);
    const wrong = [...ids].map((id) => byId.get(id)!).filter((e) => e.state.current !== 'SUCCESS' || finalStates(e).length !== 1);
    expect(wrong.map((e) => `${e.id}: ${e.state.histories.map((h) => h.state).join(',')}`)).toEqual([]);
    expect([...ids].flatMap((id) => rerunProblems(runsDir, byId.get(id)!, ['work']))).toEqual([]);

    // What was answered 503 but stored (Redis went between storing and queueing) does not run,
    // save what the kill caught with its queueing done but its reply lost: at most the calls in
    // flight at the kill.
    const ranUnacknowledged = executions.filter((e) => !ids.has(e.id) && recordsOf(runsDir, e.id, 'work').length > 0);
    expect(ranUnacknowledged.length).toBeLessThanOrEqual(PARALLEL);
    for (const e of executions.filter((x) => !ids.has(x.id) && !ranUnacknowledged.includes(x))) {
      expect(['CREATED', 'CANCELLED'], e.id).toContain(e.state.current);
    }
  });
});

let lastReady = false;
/** Readiness of `base` right now (false until the previous probe answered 200); probes in the background. */
function readyNow(base: string): boolean {
  void fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(1000) }).then((r) => (lastReady = r.status === 200), () => (lastReady = false));
  return lastReady;
}

describe('readiness proves the worker consumes (bullmq runtime)', () => {
  let redis: ThrowawayRedis | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop('SIGKILL');
    await redis?.stop();
    server = undefined;
    redis = undefined;
  });

  it('goes DOWN while Redis answers but the worker cannot fetch, and UP once it takes jobs again', async () => {
    redis = await startRedis(await freePort());
    server = await startServer(['server', 'standalone'], { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('consume'), SLUICE_WORKER_LOCK_MS: '2000', SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, `id: hello\nnamespace: ${NS}\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);
    const readiness = async () => {
      const res = await fetch(`${server!.url}/health/ready`, { signal: AbortSignal.timeout(2000) });
      return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
    };
    expect(await readiness()).toEqual({ status: 200, checks: { store: 'UP', worker: 'UP' } });

    // The worker's blocking fetch (BZPOPMIN) refused, everything else allowed: Redis answers
    // PING, webhooks store and queue, and nothing is consumed.
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      await admin.call('ACL', 'SETUSER', 'default', '-bzpopmin');
      // Wake the fetch already waiting, so the next one meets the refusal.
      const clients = String(await admin.call('CLIENT', 'LIST'));
      for (const line of clients.split('\n').filter((l) => /\bcmd=bzpopmin\b/.test(l))) {
        await admin.call('CLIENT', 'UNBLOCK', /\bid=(\d+)/.exec(line)![1]!);
      }
      const res = await postJson(server.url, NS, 'hello', KEY, {});
      expect(res.status).toBe(200);
      const id = ((await res.json()) as ExecutionJson).id;

      const stuck = await eventually(async () => {
        const r = await readiness();
        return r.status === 503 ? r : undefined;
      }, 15_000, 250);
      expect(stuck.checks).toEqual({ store: 'UP', worker: 'DOWN' });
      expect((await getExecution(server.url, id)).state.current).toBe('CREATED');
      await server.waitForLine(/worker not consuming: 1 execution\(s\) wait, a slot is free, and none was taken/, 2000);

      await admin.call('ACL', 'SETUSER', 'default', '+bzpopmin');
      await eventually(async () => ((await getExecution(server!.url, id)).state.current === 'SUCCESS' ? true : undefined), 20_000, 200);
      await eventually(async () => ((await readiness()).status === 200 ? true : undefined), 10_000, 200);
    } finally {
      admin.disconnect();
    }
  });
});
