#!/usr/bin/env node
// Paired A/B of two built checkouts of Sluice, for a change too small for the full runs' noise:
//
//   node scripts/bench/paired.mjs <checkout A> <checkout B> [latency|waits|ingestion]...
//
// Both run side by side on BullMQ (a webserver, and a worker where executions run), each with its
// own Redis prefix, and the bench's load generator drives them in turn, A then B, then B then A,
// for ROUNDS rounds. Each line gives the medians of A and B and the median of the per-round
// ratios B/A, which is what to read: drift between rounds cancels out of a ratio of neighbours.
//   latency    one request at a time, webhook (wait: true) to SUCCESS: p50
//   waits      50 requests in flight, each waiting for SUCCESS: executions/s
//   ingestion  50 connections, webhook persisted and queued (no worker): requests/s
// Each also gives CPU ms per request (every process of the stack) and the stacks' peak RSS.
//   PAIRED_ROUNDS=8 PAIRED_ROUND_MS=2000 (latency: 1500) PAIRED_WARMUP_REQUESTS=5000
//   A_NODE_ARGS / B_NODE_ARGS: node flags of one side, e.g. B_NODE_ARGS=--max-semi-space-size=8
//     (A and B may then be the same checkout)
// Checkouts are built with `pnpm build` first; a second one is easiest as a git worktree
// (`git worktree add /tmp/base <commit> && cd /tmp/base && pnpm install --frozen-lockfile && pnpm build`).
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seedFlowsFolder } from './lib/flows.mjs';
import { closeAgent } from './lib/http.mjs';
import { median, percentile, runLoad } from './lib/measure.mjs';
import { interruptCleanup, killAll, startSluice } from './lib/processes.mjs';
import { deletePendingPrefixes, deletePrefix, REDIS_URL, uniquePrefix } from './lib/redis.mjs';
import { WEBHOOK_KEY, webhookBody } from './lib/stacks.mjs';

const MODES = {
  latency: { worker: true, flowId: 'trigger_wait', connections: 1, metric: 'p50 ms', lowerIsBetter: true },
  waits: { worker: true, flowId: 'trigger_wait', connections: 50, metric: 'exec/s' },
  ingestion: { worker: false, flowId: 'trigger', connections: 50, metric: 'req/s' },
};
const [pathA, pathB, ...asked] = process.argv.slice(2);
const modes = asked.length > 0 ? asked : Object.keys(MODES);
if (!pathA || !pathB || modes.some((m) => !MODES[m])) {
  process.stderr.write(`usage: node scripts/bench/paired.mjs <checkout A> <checkout B> [${Object.keys(MODES).join('|')}]...\n`);
  process.exit(2);
}
const cliOf = (checkout) => {
  const cli = join(resolve(checkout), 'apps', 'server', 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`paired: ${cli} does not exist; run pnpm build in ${checkout}`);
  return cli;
};
const sides = [
  { id: 'A', cli: cliOf(pathA), nodeArgs: (process.env.A_NODE_ARGS ?? '').split(' ').filter(Boolean) },
  { id: 'B', cli: cliOf(pathB), nodeArgs: (process.env.B_NODE_ARGS ?? '').split(' ').filter(Boolean) },
];
const rounds = Number(process.env.PAIRED_ROUNDS ?? 8);
const warmupRequests = Number(process.env.PAIRED_WARMUP_REQUESTS ?? 5000);
const roundMs = (mode) => Number(process.env.PAIRED_ROUND_MS ?? (mode === 'latency' ? 1500 : 2000));
const progress = (message) => process.stderr.write(`paired: ${message}\n`);

const { tmpDir, flowsDir } = seedFlowsFolder('paired');
const body = webhookBody();

/** One side's processes for `mode`, with the request the load generator sends. */
async function startSide(side, mode) {
  const { worker, flowId, connections } = MODES[mode];
  const prefix = uniquePrefix(`paired-${side.id.toLowerCase()}`);
  const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_FLOWS_DIR: flowsDir, SLUICE_DATA_DIR: join(tmpDir, `data-${side.id}`), SLUICE_USERNAME: 'paired', SLUICE_PASSWORD: 'paired-password', SLUICE_WORKER_CONCURRENCY: '50' };
  const options = { cwd: tmpDir, cli: side.cli, nodeArgs: side.nodeArgs };
  const processes = [await startSluice(`${side.id} webserver`, ['server', 'webserver'], env, options)];
  if (worker) processes.push(await startSluice(`${side.id} worker`, ['worker'], env, options));
  const load = {
    url: `${processes[0].url}/api/v1/main/executions/webhook/company.team/${flowId}/${WEBHOOK_KEY}`, method: 'POST',
    headers: { 'content-type': 'application/json' }, body, connections, ...(worker ? { expect: '"current":"SUCCESS"' } : {}),
  };
  return { ...side, prefix, processes, load, cpuMs: () => processes.reduce((sum, p) => sum + p.cpuMs(), 0) };
}

async function measure(stack, durationMs, maxRequests, connections = stack.load.connections) {
  const before = stack.cpuMs();
  const result = await runLoad({ ...stack.load, connections, durationMs, maxRequests });
  const bad = Object.entries(result.statuses).filter(([code]) => Number(code) < 200 || Number(code) >= 300);
  if (bad.length > 0 || result.mismatched > 0) throw new Error(`paired: ${stack.id} answered ${JSON.stringify(result.statuses)}, ${result.mismatched} unexpected bodies`);
  return { rate: result.rate, p50: percentile(result.latencies, 50), cpuMsPerOp: (stack.cpuMs() - before) / result.ok };
}

async function runMode(mode) {
  const { metric, lowerIsBetter } = MODES[mode];
  const stacks = [];
  try {
    for (const side of sides) stacks.push(await startSide(side, mode));
    for (const stack of stacks) {
      progress(`${mode}: warm-up ${stack.id}`);
      await measure(stack, 4000, warmupRequests, 50);
    }
    const results = { A: [], B: [] };
    for (let r = 0; r < rounds; r++) {
      for (const stack of r % 2 === 0 ? stacks : [...stacks].reverse()) {
        progress(`${mode}: round ${r + 1}/${rounds} ${stack.id}`);
        results[stack.id].push(await measure(stack, roundMs(mode)));
      }
    }
    const value = (x) => (lowerIsBetter ? x.p50 : x.rate);
    const ratio = (pick) => median(results.B.map((b, i) => pick(b) / pick(results.A[i])));
    const side = (id) => {
      const runs = results[id];
      const rss = stacks.find((s) => s.id === id).processes.map((p) => Math.round(p.memory().peakRssMb)).join('+');
      return `${id} ${median(runs.map(value)).toFixed(lowerIsBetter ? 2 : 0)} ${metric}, ${median(runs.map((x) => x.cpuMsPerOp)).toFixed(3)} CPU ms/op, peak RSS ${rss} MB`;
    };
    return `${mode.padEnd(9)} ${side('A')} | ${side('B')} | B/A ${ratio(value).toFixed(3)} (${lowerIsBetter ? 'below' : 'above'} 1 is better), CPU B/A ${ratio((x) => x.cpuMsPerOp).toFixed(3)}`;
  } finally {
    await Promise.all(stacks.flatMap((s) => s.processes.map((p) => p.stop(3000))));
    for (const s of stacks) await deletePrefix(s.prefix);
  }
}

// Bounded like the bench: every start, load run and stop has its own limit; this bounds the whole.
const limit = setTimeout(() => {
  progress('time limit reached; stopping');
  void interruptCleanup().finally(() => process.exit(1));
}, Number(process.env.PAIRED_TIMEOUT_MS ?? 30 * 60_000));
limit.unref();
const lines = [];
try {
  progress(`A = ${sides[0].cli} ${sides[0].nodeArgs.join(' ')}; B = ${sides[1].cli} ${sides[1].nodeArgs.join(' ')}; ${rounds} rounds`);
  for (const mode of modes) lines.push(await runMode(mode));
  process.stdout.write(`${lines.join('\n')}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
} finally {
  killAll();
  await deletePendingPrefixes();
  closeAgent();
  rmSync(tmpDir, { recursive: true, force: true });
}
