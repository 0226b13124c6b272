// What the scenarios measure, started as real processes. A stack is one side of a comparison:
//   sluice-bullmq    `sluice server webserver` (+ `sluice worker`) on Redis, a unique prefix
//   sluice-embedded  `sluice server standalone` without REDIS_URL (HTTP and worker in one process),
//                    on the default embedded runtime, SQLite (its file in a data folder of its own)
//   sluice-memory    the same with SLUICE_RUNTIME=memory, the in-memory runtime
//   baseline         bare Koa + BullMQ queue.add (+ a no-op BullMQ worker process)
// Each stack gives the loadgen its ingestion and wait requests, a completion tracker for the
// end-to-end scenario, a check of sampled executions, peak memory per process, and stop().
// Options of the Sluice stacks, for scenarios with their own flows: `flowsDir`, `hooks` (the
// webhooks the ingestion load spreads over: [{ flowId, key }]), `id` and `label` (to run several
// stacks of one runtime side by side), and `startTimeoutMs` (a start with 10,000 flows to load
// takes far longer than the default 30 s).
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { forkScript, startSluice } from './processes.mjs';
import { getJson, request } from './http.mjs';
import { deletePrefix, executionEventCounter, REDIS_URL, redisClient, uniquePrefix } from './redis.mjs';
import { root } from './modules.mjs';

export const WEBHOOK_KEY = '4wjtkzwVGBM9yKnjm3yv8r';
const USER = 'bench';
const PASSWORD = `bench-${randomBytes(8).toString('hex')}`;
const AUTH = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` };
const JSON_HEADERS = { 'content-type': 'application/json' };

/** ~300 bytes of JSON, the body every ingestion request sends. */
export function webhookBody(bytes = 300) {
  const base = { event: 'order.created', id: 'ord_7Hq2x9LmK4', createdAt: '2024-05-14T09:21:07.512Z', customer: { id: 'cus_81', email: 'ada@example.com', name: 'Ada Lovelace' }, items: [{ sku: 'SKU-1001', qty: 2, price: 19.9 }, { sku: 'SKU-2002', qty: 1, price: 5.5 }], note: '' };
  base.note = 'x'.repeat(Math.max(0, bytes - JSON.stringify(base).length));
  return JSON.stringify(base);
}

function nodeArgsFor(ctx, scenario, name) {
  if (!ctx.config.cpuProfDir) return [];
  return ['--cpu-prof', `--cpu-prof-dir=${ctx.config.cpuProfDir}`, `--cpu-prof-name=${scenario}-${name}.cpuprofile`];
}

/** CPU ms used so far by all the processes of a stack. */
const cpuMsOfAll = (processes) => processes.reduce((sum, p) => sum + p.cpuMs(), 0);

function peakMemory(processes) {
  return Object.fromEntries(processes.map((p) => [p.role, Math.round(p.memory().peakRssMb)]));
}

/** How long each process took to start: spawn to its last start line, in ms. */
function startTimes(processes) {
  return Object.fromEntries(processes.map((p) => [p.role, p.readyMs]));
}

/** Sluice webhook URL of a flow of the seed namespace. */
const hookPath = (flowId, key = WEBHOOK_KEY) => `/api/v1/main/executions/webhook/company.team/${flowId}/${key}`;
const SEED_HOOKS = [{ flowId: 'trigger', key: WEBHOOK_KEY }];

/** The ingestion request: one URL, or the list the load generator spreads requests over. */
function ingestOf(url, hooks) {
  const urls = hooks.map((h) => url + hookPath(h.flowId, h.key));
  return urls.length === 1 ? { url: urls[0], method: 'POST', headers: JSON_HEADERS } : { urls, method: 'POST', headers: JSON_HEADERS };
}

/** Reads the API as the bench user: `/executions/<id>`, `/logs/<id>` and the like. */
const apiOf = (url) => (path) => getJson(`${url}/api/v1/main${path}`, AUTH);

/**
 * Every line a server logs after "listening" (one per webhook) comes before this one, so once
 * it is out the start is over and nothing of it competes with the load.
 */
const SERVER_READY = /"msg":"schedules: \d+ active"/;

/** Progress lines while a start is slow (thousands of flows to load): time, CPU, last log line. */
function startReporter(ctx, scenario, label, extra = async () => '') {
  return (elapsedMs, proc) => {
    const last = proc.lines.at(-1) ?? '';
    const msg = (() => { try { return JSON.parse(last).msg; } catch { return last; } })();
    void extra().then((more) => ctx.progress(`${scenario}: ${label}: ${proc.role ?? proc.name} still starting after ${(elapsedMs / 1000).toFixed(0)} s, CPU ${(proc.cpuMs() / 1000).toFixed(1)} s${more}; last line: ${String(msg).slice(0, 120)}`));
  };
}

/** How many flows a Sluice on Redis has stored so far (its start saves one flow per file). */
async function flowsStored(prefix) {
  const client = redisClient();
  try {
    return `, ${await client.scard(`${prefix}:flows:{main}`)} flows stored`;
  } catch {
    return '';
  } finally {
    client.disconnect();
  }
}

/** Reads back sampled executions: SUCCESS, with the Log task's line stored. */
async function checkExecutions(url, ids) {
  let success = 0;
  let withLog = 0;
  for (const id of ids) {
    const execution = await getJson(`${url}/api/v1/main/executions/${id}`, AUTH);
    if (execution.state?.current === 'SUCCESS') success++;
    const logs = await getJson(`${url}/api/v1/main/logs/${id}`, AUTH);
    if (logs.some((entry) => String(entry.message).includes('Hello World'))) withLog++;
  }
  return { sampled: ids.length, success, withLog };
}

async function stopAll(processes) {
  await Promise.all(processes.map((p) => p.stop(p.stopGraceMs)));
}

/**
 * Sluice on BullMQ: one webserver, and one worker (concurrency 50) when `worker`. `cli` runs
 * another checkout's build, and `nodeArgs` are node flags of this stack (scripts/bench/paired.mjs).
 */
export async function startSluiceBullmq(ctx, scenario, { worker, flowsDir = ctx.flowsDir, hooks = SEED_HOOKS, id = 'sluice-bullmq', label = 'Sluice, BullMQ', startTimeoutMs = 30_000, cli, nodeArgs = [] }) {
  const prefix = uniquePrefix('sluice');
  const env = {
    REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_FLOWS_DIR: flowsDir, SLUICE_DATA_DIR: join(ctx.tmpDir, 'data'),
    SLUICE_USERNAME: USER, SLUICE_PASSWORD: PASSWORD, SLUICE_WORKER_CONCURRENCY: String(ctx.config.concurrency),
  };
  const processes = [];
  let counter;
  const stack = {
    id, side: 'sluice', runtime: 'bullmq', label, processes, prefix,
    cpuMs: () => cpuMsOfAll(processes),
    async stop() {
      const memory = peakMemory(processes);
      counter?.close();
      await stopAll(processes);
      const deleted = await deletePrefix(prefix);
      return { peakRssMb: memory, deletedKeys: deleted, startMs: startTimes(processes) };
    },
  };
  const starting = { timeoutMs: startTimeoutMs, onWait: startReporter(ctx, scenario, label, () => flowsStored(prefix)) };
  try {
    const web = await startSluice('sluice webserver', ['server', 'webserver'], env, { cwd: ctx.tmpDir, cli, nodeArgs: [...nodeArgs, ...nodeArgsFor(ctx, scenario, `${id}-webserver`)], readyLine: SERVER_READY, ...starting });
    web.role = 'webserver';
    web.stopGraceMs = ctx.config.cpuProfDir ? 10_000 : 3000;
    processes.push(web);
    if (worker) {
      const w = await startSluice('sluice worker', ['worker'], env, { cwd: ctx.tmpDir, cli, nodeArgs: [...nodeArgs, ...nodeArgsFor(ctx, scenario, `${id}-worker`)], ...starting });
      w.role = 'worker';
      w.stopGraceMs = web.stopGraceMs;
      processes.push(w);
      counter = await executionEventCounter(prefix);
    }
    stack.url = web.url;
    stack.api = apiOf(web.url);
    stack.ingest = ingestOf(web.url, hooks);
    stack.wait = { url: web.url + hookPath('trigger_wait'), method: 'POST', headers: JSON_HEADERS, expect: '"current":"SUCCESS"' };
    stack.completions = () => { const c = counter.snapshot(); return { done: c.success, other: c.other, lastNs: c.lastNs }; };
    stack.check = (ids) => checkExecutions(web.url, ids);
    stack.queued = async () => {
      // Persisted and queued: every 200 left a job in the BullMQ wait list (no worker runs).
      const text = (await request(`${web.url}/metrics`, { headers: AUTH })).text;
      return Number(/sluice_queue_jobs\{state="waiting"\} (\d+)/.exec(text)?.[1] ?? NaN);
    };
    return stack;
  } catch (error) {
    await stack.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * Sluice with an embedded runtime: `server standalone`, no Redis, its own worker (concurrency
 * 50), on SQLite (the default) unless `runtime` is `memory`. Each stack gets a data folder of its
 * own: two SQLite stacks cannot share a file (its lock), and a round must not start from the last
 * scenario's database.
 */
export async function startSluiceEmbedded(ctx, scenario, { flowsDir = ctx.flowsDir, hooks = SEED_HOOKS, id = 'sluice-embedded', label = 'Sluice, embedded (SQLite)', startTimeoutMs = 30_000, runtime = 'sqlite', env: extraEnv = {} } = {}) {
  const env = {
    SLUICE_RUNTIME: runtime, SLUICE_FLOWS_DIR: flowsDir, SLUICE_DATA_DIR: join(ctx.tmpDir, `data-${scenario}-${id}-${randomBytes(4).toString('hex')}`), ...extraEnv,
    SLUICE_USERNAME: USER, SLUICE_PASSWORD: PASSWORD, SLUICE_WORKER_CONCURRENCY: String(ctx.config.concurrency),
  };
  const processes = [];
  const stack = {
    id, side: 'sluice', runtime: runtime === 'memory' ? 'memory' : 'embedded', label, processes, dataDir: env.SLUICE_DATA_DIR,
    cpuMs: () => cpuMsOfAll(processes),
    async stop() {
      const memory = peakMemory(processes);
      await stopAll(processes);
      return { peakRssMb: memory, startMs: startTimes(processes) };
    },
  };
  try {
    const p = await startSluice('sluice standalone', ['server', 'standalone'], env, {
      cwd: ctx.tmpDir, nodeArgs: nodeArgsFor(ctx, scenario, `${id}-standalone`), readyLine: SERVER_READY,
      timeoutMs: startTimeoutMs, onWait: startReporter(ctx, scenario, label),
    });
    p.role = 'standalone';
    p.stopGraceMs = ctx.config.cpuProfDir ? 10_000 : 3000;
    processes.push(p);
    stack.url = p.url;
    stack.api = apiOf(p.url);
    stack.ingest = ingestOf(p.url, hooks);
    stack.wait = { url: p.url + hookPath('trigger_wait'), method: 'POST', headers: JSON_HEADERS, expect: '"current":"SUCCESS"' };
    stack.check = (ids) => checkExecutions(p.url, ids);
    stack.completions = metricsReader(p.url, ctx.config.pollMs);
    stack.pollMs = ctx.config.pollMs;
    return stack;
  } catch (error) {
    await stack.stop().catch(() => undefined);
    throw error;
  }
}

/** Sluice with the in-memory runtime (`SLUICE_RUNTIME=memory`), beside the SQLite default. */
export function startSluiceMemory(ctx, scenario, options = {}) {
  return startSluiceEmbedded(ctx, scenario, { id: 'sluice-memory', label: 'Sluice, in memory', ...options, runtime: 'memory' });
}

/**
 * Executions finished, read on demand from the standalone process's own /metrics counter
 * (sluice_executions_finished_total). Scraping costs the process a few ms of CPU (prom-client
 * collects its default metrics on every scrape), so the e2e scenario reads it only before and
 * after the load and then every `BENCH_POLL_MS` while the backlog drains, never during the
 * load. A change is dated halfway between the read that saw it and the one before when those
 * are close, else at the read that saw it (later than the truth: the rate errs low).
 */
function metricsReader(url, pollMs) {
  const state = { done: 0, other: 0, lastNs: 0n };
  let previousNs = 0n;
  return async () => {
    const text = (await request(`${url}/metrics`, { headers: AUTH })).text;
    const now = process.hrtime.bigint();
    let done = 0;
    let other = 0;
    for (const m of text.matchAll(/^sluice_executions_finished_total\{state="([A-Z_]+)"\} (\d+)/gm)) {
      if (m[1] === 'SUCCESS') done += Number(m[2]);
      else other += Number(m[2]);
    }
    if (done !== state.done || other !== state.other) {
      const close = previousNs > 0n && now - previousNs <= BigInt(4 * pollMs) * 1_000_000n;
      Object.assign(state, { done, other, lastNs: close ? (previousNs + now) / 2n : now });
    }
    previousNs = now;
    return { ...state };
  };
}

/** The baseline: bare Koa + BullMQ queue.add, and a no-op BullMQ worker process when `worker`. */
export async function startBaseline(ctx, scenario, { worker }) {
  const prefix = uniquePrefix('baseline');
  const env = { REDIS_URL, BASELINE_PREFIX: prefix, BASELINE_QUEUE: 'hooks', BASELINE_CONCURRENCY: String(ctx.config.concurrency) };
  const processes = [];
  const completed = { done: 0, other: 0, lastNs: 0n };
  const stack = {
    id: 'baseline', side: 'baseline', runtime: 'bullmq', label: 'Koa + BullMQ', processes, prefix,
    cpuMs: () => cpuMsOfAll(processes),
    async stop() {
      const memory = peakMemory(processes);
      await stopAll(processes);
      const deleted = await deletePrefix(prefix);
      return { peakRssMb: memory, deletedKeys: deleted, startMs: startTimes(processes) };
    },
  };
  try {
    const server = await forkScript('baseline koa', join(root, 'scripts', 'bench', 'baseline', 'server.mjs'), env, { nodeArgs: nodeArgsFor(ctx, scenario, 'baseline-koa') });
    server.role = 'koa';
    server.stopGraceMs = ctx.config.cpuProfDir ? 10_000 : 3000;
    processes.push(server);
    if (worker) {
      const w = await forkScript('baseline worker', join(root, 'scripts', 'bench', 'baseline', 'worker.mjs'), env, {
        nodeArgs: nodeArgsFor(ctx, scenario, 'baseline-worker'),
        onMessage: (m) => Object.assign(completed, { done: m.completed, other: m.failed, lastNs: BigInt(m.lastNs) }),
      });
      w.role = 'worker';
      w.stopGraceMs = server.stopGraceMs;
      processes.push(w);
    }
    stack.url = server.url;
    stack.ingest = { url: `${server.url}/hook`, method: 'POST', headers: JSON_HEADERS };
    stack.wait = { url: `${server.url}/hook?wait=1`, method: 'POST', headers: JSON_HEADERS, expect: '"state":"completed"' };
    stack.completions = () => ({ ...completed });
    return stack;
  } catch (error) {
    await stack.stop().catch(() => undefined);
    throw error;
  }
}

/**
 * The same processes seen as another stack that posts to other webhooks of its flows folder (a
 * scenario comparing two flows on one stack). Its completions and CPU are the stack's: measure
 * one view at a time.
 */
export function viewOf(stack, { id, label, hooks = SEED_HOOKS }) {
  return { ...stack, id, label, ingest: ingestOf(stack.url, hooks) };
}

/**
 * Starts the stacks a scenario compares (sequentially: on two cores, parallel starts only slow
 * each other), runs `fn(stacks)`, and stops every stack whatever happens, reading each
 * process's peak memory first. Resolves with `fn`'s value and the memory per stack id.
 */
export async function withStacks(ctx, scenario, starters, fn) {
  const stacks = [];
  const stopped = {};
  try {
    for (const start of starters) {
      const stack = await start();
      ctx.progress(`${scenario}: started ${stack.label} (${stack.processes.map((p) => `${p.role} pid ${p.pid} in ${(p.readyMs / 1000).toFixed(1)} s`).join(', ')})`);
      stacks.push(stack);
    }
    const value = await fn(stacks);
    return { value, stopped };
  } finally {
    for (const stack of stacks) {
      try {
        stopped[stack.id] = await stack.stop();
      } catch (error) {
        process.stderr.write(`bench: stopping ${stack.label}: ${error}\n`);
      }
    }
  }
}
