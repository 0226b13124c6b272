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
// Each also gives CPU ms per request (every process of the stack, then each process's ratio apart) and
// the stacks' peak RSS.
//   PAIRED_ROUNDS=8 PAIRED_ROUND_MS=2000 (latency: 1500) PAIRED_WARMUP_REQUESTS=5000
//   A_NODE_ARGS / B_NODE_ARGS: node flags of one side, e.g. B_NODE_ARGS=--max-semi-space-size=8
//     (A and B may then be the same checkout)
// Checkouts are built with `pnpm build` first; a second one is easiest as a git worktree
// (`git worktree add /tmp/base <commit> && cd /tmp/base && pnpm install --frozen-lockfile && pnpm build`).
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seedFlowsFolder } from './lib/flows.mjs';
import { closeAgent } from './lib/http.mjs';
import { median, pairedRatio, percentile, problemsOf, runLoad, withCpu } from './lib/measure.mjs';
import { interruptCleanup, killAll } from './lib/processes.mjs';
import { deletePendingPrefixes } from './lib/redis.mjs';
import { startSluiceBullmq, webhookBody, withStacks } from './lib/stacks.mjs';

const MODES = {
  latency: { worker: true, request: 'wait', connections: 1, metric: 'p50 ms', lowerIsBetter: true },
  waits: { worker: true, request: 'wait', connections: 50, metric: 'exec/s' },
  ingestion: { worker: false, request: 'ingest', connections: 50, metric: 'req/s' },
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
const ctx = { config: { concurrency: 50 }, tmpDir, flowsDir, body: webhookBody(), progress };

/** One measured run of `stack`'s request for `mode`; throws on any answer the bench counts as a problem. */
async function measure(stack, mode, durationMs, maxRequests, connections = MODES[mode].connections) {
  const { value: result, cpuMs, cpuMsByRole } = await withCpu(stack, () => runLoad({ ...stack[MODES[mode].request], body: ctx.body, connections, durationMs, maxRequests }));
  const problems = problemsOf(stack.id, result);
  if (problems.length > 0) throw new Error(`paired: ${problems.join('; ')}`);
  const byRole = Object.fromEntries(Object.entries(cpuMsByRole).map(([role, ms]) => [role, ms / result.ok]));
  return { rate: result.rate, p50: percentile(result.latencies, 50), cpuMsPerOp: cpuMs / result.ok, byRole };
}

async function runMode(mode) {
  const { worker, metric, lowerIsBetter } = MODES[mode];
  const starters = sides.map((side) => () => startSluiceBullmq(ctx, mode, { worker, id: side.id, label: side.id, cli: side.cli, nodeArgs: side.nodeArgs }));
  const { value: results, stopped } = await withStacks(ctx, mode, starters, async (stacks) => {
    for (const stack of stacks) {
      progress(`${mode}: warm-up ${stack.id}`);
      await measure(stack, mode, 4000, warmupRequests, 50);
    }
    const byId = { A: [], B: [] };
    for (let r = 0; r < rounds; r++) {
      for (const stack of r % 2 === 0 ? stacks : [...stacks].reverse()) {
        progress(`${mode}: round ${r + 1}/${rounds} ${stack.id}`);
        byId[stack.id].push(await measure(stack, mode, roundMs(mode)));
      }
    }
    return byId;
  });
  const value = (x) => (lowerIsBetter ? x.p50 : x.rate);
  const side = (id) => {
    const runs = results[id];
    const rss = Object.values(stopped[id]?.peakRssMb ?? {}).join('+');
    return `${id} ${median(runs.map(value)).toFixed(lowerIsBetter ? 2 : 0)} ${metric}, ${median(runs.map((x) => x.cpuMsPerOp)).toFixed(3)} CPU ms/op, peak RSS ${rss} MB`;
  };
  // Each process's CPU apart: which side of the stack a change moved.
  const roles = Object.keys(results.A[0]?.byRole ?? {});
  const perRole = roles.map((role) => `${role} ${pairedRatio(results.B, results.A, (x) => x.byRole[role]).toFixed(3)}`).join(', ');
  return `${mode.padEnd(9)} ${side('A')} | ${side('B')} | B/A ${pairedRatio(results.B, results.A, value).toFixed(3)} (${lowerIsBetter ? 'below' : 'above'} 1 is better), CPU B/A ${pairedRatio(results.B, results.A, (x) => x.cpuMsPerOp).toFixed(3)} (${perRole})`;
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
