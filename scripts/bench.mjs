#!/usr/bin/env node
// `pnpm bench`: measures, never asserts. Every scenario runs beside a baseline measured in the
// same run, interleaved over several rounds, and reports the median and the ratio to the
// baseline, because absolute figures drift by tens of percent between sittings on these machines.
//
// The process scenarios start what they measure as real processes (the built `sluice` command,
// a bare Koa + BullMQ baseline, a load generator in its own process), bound every wait in time,
// and kill every child at the end, however the run ends. See docs/performance.md.
//
//   BENCH_SCENARIOS=engine,ingestion,e2e,latency,scale,payload,ten-tasks   which, in this order
//     (mqtt, MQTT trigger vs webhook, only when named: see bench/scenarios/mqtt.mjs; task-runs too,
//     see bench/scenarios/task-runs.mjs)
//   BENCH_LOAD_MS=2000 BENCH_LOAD_ROUNDS=5 BENCH_LATENCY_MS=1500
//   BENCH_WARMUP_MS=3000 BENCH_WARMUP_REQUESTS=5000 (per stack and scenario, whichever ends first)
//   BENCH_CONNECTIONS=50 BENCH_CONCURRENCY=50 BENCH_BODY_BYTES=300 BENCH_EMBEDDED=1
//   BENCH_DRAIN_TIMEOUT_MS=30000 BENCH_TIMEOUT_MS=720000 BENCH_POLL_MS=50 BENCH_SAMPLE_IDS=5
//   BENCH_CPU_PROF=<dir> (a V8 CPU profile of every measured process; see bench/profile-summary.mjs)
//   BENCH_ROUNDS=5 BENCH_ROUND_MS=500 (the engine scenario)
// The default run takes about 7 minutes. Payload and ten-tasks measure more stacks per round, so
// they take 3 rounds, not 5, to stay under 10 minutes; scale keeps BENCH_LOAD_ROUNDS, since its
// 10,000-vs-1 ratio is read against a 10% target. Each count falls back to BENCH_LOAD_ROUNDS when
// that is set:
//   BENCH_SCALE_ROUNDS=5 BENCH_SCALE_FLOWS=1,1000,10000 (flows per stack; the last vs the first)
//   BENCH_SCALE_PICK=round-robin (or random: how each request picks its flow's webhook)
//   BENCH_PAYLOAD_ROUNDS=3 BENCH_PAYLOAD_BYTES=1024,102400,1048576 BENCH_PAYLOAD_ROUND_MB=128
//     (a payload round also ends once it has sent that many MB of bodies)
//   BENCH_TEN_TASKS_ROUNDS=3 BENCH_TEN_TASKS_WARMUP_REQUESTS=1000
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { seedFlowsFolder } from './bench/lib/flows.mjs';
import { closeAgent } from './bench/lib/http.mjs';
import { root, versionOf } from './bench/lib/modules.mjs';
import { CLI, interruptCleanup, killAll, onInterrupt } from './bench/lib/processes.mjs';
import { deletePendingPrefixes } from './bench/lib/redis.mjs';
import { webhookBody } from './bench/lib/stacks.mjs';
import { formatLegend, formatTable, writeResults } from './bench/report.mjs';
import e2e from './bench/scenarios/e2e.mjs';
import engine from './bench/scenarios/engine.mjs';
import ingestion from './bench/scenarios/ingestion.mjs';
import latency from './bench/scenarios/latency.mjs';
import mqtt from './bench/scenarios/mqtt.mjs';
import payload from './bench/scenarios/payload.mjs';
import scale from './bench/scenarios/scale.mjs';
import taskRuns from './bench/scenarios/task-runs.mjs';
import tenTasks from './bench/scenarios/ten-tasks.mjs';

const SCENARIOS = { engine, ingestion, e2e, latency, scale, payload, 'ten-tasks': tenTasks, mqtt, 'task-runs': taskRuns };
// Run only when named: mqtt needs the local Mosquitto, task-runs takes minutes (BENCH_SCENARIOS=mqtt).
const DEFAULT_SCENARIOS = Object.keys(SCENARIOS).filter((name) => name !== 'mqtt' && name !== 'task-runs');

const int = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`bench: ${name} must be a whole number, got '${raw}'`);
  return n;
};
const ints = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const list = raw.split(',').map((x) => Number(x.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`bench: ${name} must be a comma-separated list of whole numbers above 0, got '${raw}'`);
  return list;
};

const config = {
  scenarios: (process.env.BENCH_SCENARIOS ?? DEFAULT_SCENARIOS.join(',')).split(',').map((s) => s.trim()).filter(Boolean),
  engineRounds: int('BENCH_ROUNDS', 5),
  engineRoundMs: int('BENCH_ROUND_MS', 500),
  loadRounds: int('BENCH_LOAD_ROUNDS', 5),
  loadMs: int('BENCH_LOAD_MS', 2000),
  latencyMs: int('BENCH_LATENCY_MS', 1500),
  warmupMs: int('BENCH_WARMUP_MS', 3000),
  warmupRequests: int('BENCH_WARMUP_REQUESTS', 5000),
  connections: int('BENCH_CONNECTIONS', 50),
  concurrency: int('BENCH_CONCURRENCY', 50),
  bodyBytes: int('BENCH_BODY_BYTES', 300),
  drainTimeoutMs: int('BENCH_DRAIN_TIMEOUT_MS', 30_000),
  timeoutMs: int('BENCH_TIMEOUT_MS', 720_000),
  pollMs: int('BENCH_POLL_MS', 50),
  sampleIds: int('BENCH_SAMPLE_IDS', 5),
  scaleFlows: ints('BENCH_SCALE_FLOWS', [1, 1000, 10_000]),
  scaleRounds: int('BENCH_SCALE_ROUNDS', int('BENCH_LOAD_ROUNDS', 5)),
  scalePick: process.env.BENCH_SCALE_PICK || 'round-robin',
  payloadBytes: ints('BENCH_PAYLOAD_BYTES', [1024, 100 * 1024, 1024 * 1024]),
  payloadRounds: int('BENCH_PAYLOAD_ROUNDS', int('BENCH_LOAD_ROUNDS', 3)),
  payloadRoundMb: int('BENCH_PAYLOAD_ROUND_MB', 128),
  tenTasksRounds: int('BENCH_TEN_TASKS_ROUNDS', int('BENCH_LOAD_ROUNDS', 3)),
  tenTasksWarmupRequests: int('BENCH_TEN_TASKS_WARMUP_REQUESTS', 1000),
  embedded: process.env.BENCH_EMBEDDED !== '0',
  cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
};
if (!['round-robin', 'random'].includes(config.scalePick)) throw new Error(`bench: BENCH_SCALE_PICK must be round-robin or random, got '${config.scalePick}'`);
for (const name of config.scenarios) {
  if (!SCENARIOS[name]) throw new Error(`bench: unknown scenario '${name}'; known: ${Object.keys(SCENARIOS).join(', ')}`);
}
if (config.scenarios.some((s) => s !== 'engine') && !existsSync(CLI)) {
  throw new Error(`bench: ${CLI} is missing; run \`pnpm build\` first (or \`pnpm bench\`, which builds)`);
}

const started = Date.now();
const progress = (message) => process.stderr.write(`bench: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);

// The flows the server loads: the seed flow as shipped, and a copy whose trigger waits for the
// end of the execution (the latency scenario).
const { tmpDir, flowsDir, seedFlow } = seedFlowsFolder('bench');
if (config.cpuProfDir) mkdirSync(config.cpuProfDir, { recursive: true });

const ctx = { config, root, tmpDir, flowsDir, seedFlow, body: webhookBody(config.bodyBytes), progress };

const gitCommit = (() => {
  try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(); } catch { return undefined; }
})();
const run = {
  startedAt: new Date(started).toISOString(),
  machine: { nproc: availableParallelism(), cpu: cpus()[0]?.model, memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version, platform: process.platform, loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))) },
  versions: { koa: versionOf('koa'), bullmq: versionOf('bullmq'), ioredis: versionOf('ioredis') },
  commit: gitCommit,
  config: { ...config, cpuProfDir: config.cpuProfDir ?? null },
  rows: [],
  errors: [],
};

let finished = false;
function finish(aborted) {
  if (finished) return;
  finished = true;
  run.seconds = Number(((Date.now() - started) / 1000).toFixed(1));
  run.machine.loadavgAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  if (aborted) run.aborted = aborted;
  if (run.rows.length) process.stdout.write(`\n${formatTable(run.rows)}\n\n`);
  process.stdout.write(`${formatLegend(run.rows, run.errors)}\n`);
  const file = writeResults(root, run);
  progress(`wrote ${file}`);
  rmSync(tmpDir, { recursive: true, force: true });
}

// Interrupted (Ctrl-C, SIGTERM): children are killed and the run's Redis keys deleted by the
// handler in lib/processes.mjs; the loop stops and the partial results are written.
let interrupted = false;
onInterrupt(async () => { interrupted = true; });
onInterrupt(deletePendingPrefixes);
// The scale scenario writes 11,001 flow files there; an interrupted run must not leave them.
onInterrupt(async () => rmSync(tmpDir, { recursive: true, force: true }));
// The overall bound: past it, the same clean-up, the partial results, exit code 1.
let aborting;
const watchdog = setTimeout(() => {
  progress(`time bound of ${config.timeoutMs} ms reached, stopping`);
  aborting = interruptCleanup().finally(() => {
    try { finish(`time bound of ${config.timeoutMs} ms reached`); } finally { process.exit(1); }
  });
}, config.timeoutMs);

progress(`scenarios ${config.scenarios.join(', ')}; ${config.loadRounds} interleaved rounds of ${config.loadMs} ms (latency ${config.latencyMs} ms), ${config.connections} connections, ${config.bodyBytes}-byte body; machine ${run.machine.nproc} CPUs, load average ${run.machine.loadavgAtStart.join(' ')}`);
try {
  for (const name of config.scenarios) {
    if (aborting || interrupted) break;
    const scenario = SCENARIOS[name];
    progress(`${name}: ${scenario.title}`);
    try {
      run.rows.push(...(await scenario.run(ctx)));
    } catch (error) {
      if (aborting || interrupted) break;
      progress(`${name} failed: ${error?.stack ?? error}`);
      run.errors.push({ scenario: name, error: String(error?.message ?? error).split('\n')[0] });
    }
  }
} finally {
  clearTimeout(watchdog);
  if (!aborting) killAll();
  closeAgent();
}
if (aborting) await aborting; // it writes the partial results and exits
finish(interrupted ? 'interrupted' : undefined);
if (run.errors.length) process.exitCode = 1;
