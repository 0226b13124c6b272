import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { api, createFlow, postJson, type ExecutionJson } from './support/api.js';
import { allExecutions, finalStates, load, pluginsDir, recordsOf, sleep, startDurableRedis, type FullExecution, type Outcome } from './support/reliability.js';
import { eventually, startServer, uniquePrefix, type ServerProcess } from './support/server-process.js';
import { freePort, startRedis, type ThrowawayRedis } from './support/throwaway-redis.js';

// Issue 15, points 1 to 3: Redis hung with its socket open (SIGSTOP), and Redis killed and
// started again on its append-only file under load, over and over. Figures measured here go to
// docs/reliability.md; each test prints its own.

const NS = 'e2e.faults';
const KEY = 'faults-key-0123456789abcdef';
const TERMINAL = ['SUCCESS', 'FAILED', 'WARNING', 'KILLED', 'CANCELLED'];
/** What the issue asks: a webhook answers within 2 s of arrival, whatever Redis does. */
const ANSWER_WITHIN_MS = 2000;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

describe('Redis hangs with its socket open (SIGSTOP)', () => {
  let redis: ThrowawayRedis | undefined;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    if (redis) redis.child.kill('SIGCONT');
    await server?.stop('SIGKILL');
    await redis?.stop();
    server = undefined;
    redis = undefined;
  });

  it('answers every webhook 503 with Retry-After within 2 s of arrival, and what it answered 503 does not run once Redis wakes', async () => {
    redis = await startRedis(await freePort());
    server = await startServer(['server', 'standalone'], { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('hung'), SLUICE_SHUTDOWN_GRACE_MS: '500' });
    await createFlow(server.url, `id: hung\nnamespace: ${NS}\ntasks:\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: ran\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);
    const first = await postJson(server.url, NS, 'hung', KEY, {});
    expect(first.status).toBe(200);
    const firstId = ((await first.json()) as ExecutionJson).id;

    redis.child.kill('SIGSTOP');
    const call = async (): Promise<{ status: number; retryAfter: string | null; ms: number }> => {
      const started = performance.now();
      const res = await postJson(server!.url, NS, 'hung', KEY, { n: 1 });
      await res.text();
      return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
    };
    // One after another (each meets the commands the last left in the socket), then several at once.
    const answers = [await call(), await call(), await call(), ...(await Promise.all([call(), call(), call(), call()]))];
    console.log(`hung Redis: time to 503 (ms): ${answers.map((a) => Math.round(a.ms)).join(', ')}`);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 503));
    for (const a of answers) expect(a.retryAfter).toMatch(/^\d+$/);
    expect(answers.filter((a) => a.ms >= ANSWER_WITHIN_MS).map((a) => Math.round(a.ms))).toEqual([]);
    expect(server.child.exitCode).toBeNull();

    redis.child.kill('SIGCONT');
    await eventually(async () => ((await fetch(`${server!.url}/health/ready`)).status === 200 ? true : undefined), 15_000, 200);
    // Redis applied what waited in the socket, the submit and then its cancel: every execution
    // answered 503 that was stored at all ends CANCELLED, and none ran.
    const others = await eventually(async () => {
      const all = (await allExecutions(server!.url, NS, 'hung')).filter((e) => e.id !== firstId);
      return all.every((e) => TERMINAL.includes(e.state.current)) ? all : undefined;
    }, 15_000, 200);
    console.log(server.lines.filter((l) => /not queued|runtime:/.test(l)).join("\n"));
    expect(others.map((e) => e.state.current)).toEqual(others.map(() => 'CANCELLED'));
    expect(others.flatMap((e) => e.taskRunList)).toEqual([]);
  });
});

describe('Redis killed and started again on its AOF under load, again and again (webserver and worker in their own processes)', () => {
  const processes: ServerProcess[] = [];
  let redis: ThrowawayRedis | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-faults-aof-'));
  const runsDir = mkdtempSync(join(tmpdir(), 'sluice-e2e-faults-runs-'));
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await redis?.stop();
    redis = undefined;
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(runsDir, { recursive: true, force: true });
  });

  it('answers 200 or 503 (never 500) within 2 s; every acknowledged execution runs once, within seconds of Redis returning, with each log line stored once', async () => {
    const LOCK_MS = 8000;
    const RESTARTS = 4;
    // About 30 calls a second, which the worker keeps up with: a delay measured is the fault's, not a backlog's.
    const PARALLEL = 8;
    const port = await freePort();
    redis = await startDurableRedis(port, dataDir);
    const env = { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('restarts'), SLUICE_PLUGINS_DIR: pluginsDir, SLUICE_WORKER_LOCK_MS: String(LOCK_MS) };
    const web = await startServer(['server', 'webserver'], env);
    const worker = await startServer(['worker'], env);
    processes.push(web, worker);
    await createFlow(web.url, `id: restarts\nnamespace: ${NS}\ntasks:\n  - id: work\n    type: io.sluice.test.Record\n    dir: "${runsDir}"\n    ms: 150\n  - id: say\n    type: io.kestra.plugin.core.log.Log\n    message: "said once"\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`);

    let done = false;
    const loading = load(`${web.url}/api/v1/main/executions/webhook/${NS}/restarts/${KEY}`, { parallel: PARALLEL, until: () => done, timeoutMs: 10_000, pauseMs: 200 });
    const backAt: number[] = [];
    let outcomes: Outcome[] = [];
    try {
      await sleep(1000);
      for (let i = 0; i < RESTARTS; i++) {
        // An unlucky operator's restart: killed, and started again at once on the same AOF.
        await redis.stop('SIGKILL');
        redis = await startDurableRedis(port, dataDir);
        backAt.push(Date.now());
        await sleep(1500);
      }
    } finally {
      done = true;
      outcomes = await loading;
    }
    expect(web.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();

    // Point 2: 200 or 503, never 500, and every answer within 2 s.
    expect(outcomes.filter((o) => o.status !== 200 && o.status !== 503).map((o) => `${o.status} ${o.error ?? ''}`)).toEqual([]);
    for (const o of outcomes.filter((x) => x.status === 503)) expect(o.retryAfter).toMatch(/^\d+$/);
    expect(outcomes.filter((o) => o.ms >= ANSWER_WITHIN_MS).map((o) => `${o.status} after ${o.ms} ms`)).toEqual([]);
    const acknowledged = outcomes.filter((o) => o.status === 200);
    const ids = new Set(acknowledged.map((o) => o.id!));

    // Point 3: every acknowledged execution ends, once, and soon: none waits for its lock to
    // expire (LOCK_MS) and stalled-job recovery to find it.
    await eventually(async () => {
      const executions = await allExecutions(web.url, NS, 'restarts');
      return executions.filter((e) => ids.has(e.id) && !TERMINAL.includes(e.state.current)).length === 0 ? true : undefined;
    }, 4 * LOCK_MS, 250);
    const executions = await allExecutions(web.url, NS, 'restarts');
    const byId = new Map(executions.map((e) => [e.id, e]));
    expect([...ids].filter((id) => !byId.has(id)), 'acknowledged but lost').toEqual([]);
    const mine = [...ids].map((id) => byId.get(id)!);
    expect(mine.filter((e) => e.state.current !== 'SUCCESS' || finalStates(e).length !== 1).map((e) => `${e.id}: ${e.state.histories.map((h) => h.state).join(',')}`)).toEqual([]);
    const took = mine.map((e) => ({ id: e.id, ms: Date.parse(e.state.histories.at(-1)!.date) - Date.parse(e.state.histories[0]!.date) }));
    const ms = took.map((t) => t.ms);
    const slow = took.filter((t) => t.ms >= LOCK_MS / 2);
    const delayed = took.filter((t) => t.ms >= 1000);
    const recognised = web.lines.filter((l) => l.includes('stored by a first attempt whose reply was lost')).length;
    const orphans = worker.lines.filter((l) => l.includes('never received; handed back')).length;
    const handedBack = worker.lines.filter((l) => l.includes('the store went away mid-run')).length;
    console.log(`retries that found their own earlier write: ${recognised}; runs cut off and handed back: ${handedBack}; jobs taken but never received, handed back: ${orphans}`);
    console.log(`Redis restarts under load: ${RESTARTS} restarts, ${outcomes.length} calls, ${acknowledged.length} answered 200, ${outcomes.length - acknowledged.length} answered 503; ` +
      `answer ms p50 ${quantile(outcomes.map((o) => o.ms), 0.5)} max ${Math.max(...outcomes.map((o) => o.ms))}; ` +
      `creation to end ms p50 ${quantile(ms, 0.5)} p99 ${quantile(ms, 0.99)} max ${Math.max(...ms)}; ${delayed.length} took 1 s or more`);
    for (const t of slow) {
      const e = byId.get(t.id)!;
      console.log(`SLOW ${t.id}: ${JSON.stringify(e.state.histories)} ${JSON.stringify(e.taskRunList.map((r) => [r.taskId, r.attempts.map((a) => a.state.current)]))} records ${JSON.stringify(recordsOf(runsDir, t.id, 'work'))} restarts at ${backAt.map((b) => new Date(b).toISOString()).join(' ')}`);
      console.log([...web.lines, ...worker.lines].filter((l) => l.includes(t.id) || /runtime:/.test(l)).join('\n'));
    }
    expect(slow.map((t) => `${t.id}: ${t.ms} ms`), 'waited for stalled-job recovery').toEqual([]);

    // Each log line stored once, and each task run once (a task cut short runs again as a new
    // attempt, whose line is its own).
    const lineProblems: string[] = [];
    await Promise.all(mine.map(async (e) => {
      const res = await api(web.url, `/api/v1/main/logs/${e.id}`);
      const logs = (await res.json()) as { taskId?: string; message: string; attemptNumber?: number }[];
      const said = logs.filter((l) => l.taskId === 'say' && l.message === 'said once');
      const attempts = (e as FullExecution).taskRunList.find((r) => r.taskId === 'say')?.attempts.length ?? 0;
      if (said.length !== 1 && said.length !== attempts) lineProblems.push(`${e.id}: ${said.length} lines for ${attempts} attempt(s)`);
      if (new Set(logs.map((l) => JSON.stringify(l))).size !== logs.length) lineProblems.push(`${e.id}: a line stored twice`);
      const starts = recordsOf(runsDir, e.id, 'work').filter((r) => r.event === 'start').map((r) => r.attempt);
      if (new Set(starts).size !== starts.length) lineProblems.push(`${e.id}: an attempt of work started twice`);
    }));
    for (const problem of lineProblems) {
      const id = problem.split(':')[0]!;
      const res = await api(web.url, `/api/v1/main/logs/${id}`);
      console.log(`LINES ${problem}: ${await res.text()} ${JSON.stringify(byId.get(id))} records ${JSON.stringify(recordsOf(runsDir, id, 'work'))}`);
      console.log([...web.lines, ...worker.lines].filter((l) => l.includes(id) || /runtime:/.test(l)).join('\n'));
    }
    expect(lineProblems).toEqual([]);

    // What was answered 503 does not run, save what a kill caught with its queueing done but its
    // reply lost and the store not back within the deadline: at most the calls in flight at each kill.
    const ranUnacknowledged = executions.filter((e) => !ids.has(e.id) && recordsOf(runsDir, e.id, 'work').length > 0);
    console.log(`answered 503 but ran: ${ranUnacknowledged.length}`);
    expect(ranUnacknowledged.length).toBeLessThanOrEqual(PARALLEL * RESTARTS);
  });
});

describe('a worker process reports its health on the management port; Redis settings are checked at start', () => {
  const processes: ServerProcess[] = [];
  let redis: ThrowawayRedis | undefined;
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    await redis?.stop();
    redis = undefined;
  });

  const managementUrl = async (p: ServerProcess): Promise<string> => {
    const line = await p.waitForLine(/"msg":"management port listening/);
    return `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
  };

  it('sluice worker answers /health/live and /health/ready (store and consumption) on SLUICE_MANAGEMENT_PORT, and readiness goes DOWN with Redis', async () => {
    redis = await startRedis(await freePort());
    const worker = await startServer(['worker'], { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('health'), SLUICE_MANAGEMENT_PORT: '0', SLUICE_SHUTDOWN_GRACE_MS: '500' });
    processes.push(worker);
    const base = await managementUrl(worker);
    const live = await fetch(`${base}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'UP' });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'UP', checks: { store: 'UP', worker: 'UP' }, runtime: 'bullmq' });
    expect((await fetch(`${base}/api/v1/main/flows`)).status).toBe(404);
    expect((await fetch(`${base}/health/ready`, { method: 'POST' })).status).toBe(404);

    await redis.stop('SIGKILL');
    const down = await eventually(async () => {
      const res = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5000) });
      return res.status === 503 ? ((await res.json()) as { checks: Record<string, string> }) : undefined;
    }, 10_000, 100);
    expect(down.checks.store).toBe('DOWN');
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('warns at start, in one line each, of a Redis that evicts keys and keeps nothing on disk; says nothing of a safe one', async () => {
    redis = await startRedis(await freePort(), 10_000, undefined, ['--maxmemory-policy', 'allkeys-lru']);
    const risky = await startServer(['worker'], { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('settings'), SLUICE_SHUTDOWN_GRACE_MS: '500' });
    processes.push(risky);
    const eviction = JSON.parse(await risky.waitForLine(/Redis settings: Redis maxmemory-policy is allkeys-lru/, 10_000)) as { level: number; msg: string };
    expect(eviction.level).toBe(40);
    expect(eviction.msg).toMatch(/set maxmemory-policy noeviction/);
    const nothing = JSON.parse(await risky.waitForLine(/Redis settings: Redis keeps nothing on disk/, 10_000)) as { level: number; msg: string };
    expect(nothing.level).toBe(40);
    await risky.stop('SIGKILL');
    await redis.stop();

    const dir = mkdtempSync(join(tmpdir(), 'sluice-e2e-settings-'));
    try {
      redis = await startDurableRedis(await freePort(), dir);
      const safe = await startServer(['worker'], { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: uniquePrefix('settings'), SLUICE_MANAGEMENT_PORT: '0', SLUICE_SHUTDOWN_GRACE_MS: '500' });
      processes.push(safe);
      // Once it is ready the check has had its answer (it runs as the connection comes up).
      const base = await managementUrl(safe);
      await eventually(async () => ((await fetch(`${base}/health/ready`)).status === 200 ? true : undefined), 10_000, 100);
      await sleep(300);
      expect(safe.lines.filter((l) => l.includes('Redis settings:'))).toEqual([]);
    } finally {
      await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
      await redis?.stop();
      redis = undefined;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
