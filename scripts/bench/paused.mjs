#!/usr/bin/env node
// Many executions paused at once, in process: the executor of a built checkout, consuming its
// runtime's queue, runs PAUSED_COUNT executions of a flow whose first task is a Pause of
// PAUSED_WAIT_S, then a Log. It prints the CPU this process spent per second while every one of them
// waited (none due yet; in two halves of that window, the first still paying for the garbage of
// the burst), and how late each resumed: the Pause's `resumed.on` minus the date it
// was due (its PAUSED date plus the wait).
//
//   node scripts/bench/paused.mjs <checkout> [memory|sqlite|bullmq]
//   PAUSED_COUNT=10000 PAUSED_WAIT_S=60 PAUSED_CONCURRENCY=50 PAUSED_RATE=500 (submitted per second)
//
// The executions are submitted at PAUSED_RATE a second, so they come due at that rate; the wait
// must outlast the submission (the script says so otherwise). bullmq needs the Redis at
// 127.0.0.1:6379 and uses a prefix of its own, deleted at the end; Redis's own CPU is not counted
// (that Redis is shared).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deletePrefix, REDIS_URL, uniquePrefix } from './lib/redis.mjs';

const [checkoutArg, runtimeName = 'memory'] = process.argv.slice(2);
if (!checkoutArg || !['memory', 'sqlite', 'bullmq'].includes(runtimeName)) {
  process.stderr.write('usage: node scripts/bench/paused.mjs <checkout> [memory|sqlite|bullmq]\n');
  process.exit(2);
}
const checkout = resolve(checkoutArg);
const count = Number(process.env.PAUSED_COUNT ?? 10_000);
const waitS = Number(process.env.PAUSED_WAIT_S ?? 60);
const concurrency = Number(process.env.PAUSED_CONCURRENCY ?? 50);
const rate = Number(process.env.PAUSED_RATE ?? 500);
const progress = (message) => process.stderr.write(`paused: ${message}\n`);

const requireFrom = createRequire(join(checkout, 'apps/server/package.json'));
const load = (name) => import(pathToFileURL(requireFrom.resolve(name)).href);
const engine = await load('@sluice/engine');
const { registry } = await engine.loadPlugins({ packages: ['@sluice/plugin-core-log', '@sluice/plugin-core-flow'], resolveFrom: join(checkout, 'apps/server') });

const SOURCE = `id: paused\nnamespace: company.team\n\ntasks:\n  - id: pause\n    type: io.kestra.plugin.core.flow.Pause\n    pauseDuration: PT${waitS}S\n  - id: after\n    type: io.kestra.plugin.core.log.Log\n    message: "resumed {{ execution.id }}"\n`;

const dir = mkdtempSync(join(tmpdir(), 'sluice-paused-'));
const prefix = uniquePrefix('paused');
let runtime;
if (runtimeName === 'memory') runtime = (await load('@sluice/runtime-memory')).createMemoryRuntime({ concurrency });
else if (runtimeName === 'sqlite') runtime = (await load('@sluice/runtime-sqlite')).createSqliteRuntime({ dir, concurrency, retention: { maxExecutions: count * 2 } });
else runtime = await (await load('@sluice/runtime-bullmq')).createBullmqRuntime({ redisUrl: REDIS_URL, prefix });

const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

try {
  const parsed = engine.parseFlow(SOURCE, registry, { tenantId: 'main' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const flow = await runtime.flows.save({ ...parsed.flow, source: SOURCE });
  const executor = engine.createExecutor({ runtime, registry, secrets: engine.mapSecrets({}) });
  let paused = 0;
  let ended = 0;
  const consumer = runtime.queue.consume(async (id, signal, queued) => {
    const execution = await executor.run(id, signal, queued);
    if (execution.state.current === 'PAUSED') paused++;
    else if (execution.state.current === 'SUCCESS') ended++;
  }, { concurrency });

  const ids = [];
  const submitStart = Date.now();
  // Paced, so every runtime's executions come due at the same rate: batches of 50 every
  // 50 / PAUSED_RATE seconds (a runtime slower than that falls behind, which the output shows).
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, () => engine.createExecution({ flow }));
    await Promise.all(batch.map((e) => runtime.submit(e)));
    ids.push(...batch.map((e) => e.id));
    const ahead = submitStart + ((i + 50) / rate) * 1000 - Date.now();
    if (ahead > 0) await sleep(ahead);
  }
  while (paused < count) {
    if (Date.now() - submitStart > waitS * 1000) throw new Error(`only ${paused} of ${count} paused before the first was due: raise PAUSED_WAIT_S`);
    await sleep(50);
  }
  const allPausedAt = Date.now();
  progress(`${count} submitted and paused in ${((allPausedAt - submitStart) / 1000).toFixed(1)} s`);
  // The quiet window: from all paused until a second before the first is due.
  const firstDue = submitStart + waitS * 1000;
  const quietMs = firstDue - 1000 - allPausedAt;
  if (quietMs < 5000) throw new Error(`the quiet window is ${quietMs} ms: raise PAUSED_WAIT_S`);
  await sleep(1000); // lets the last saves' follow-ups (GC, timers) settle before measuring
  // In two halves: the first still holds what the burst left behind (V8's GC of its garbage,
  // the memory reducer), the second is what waiting itself costs.
  const halves = [];
  for (let half = 0; half < 2; half++) {
    const quietStart = process.cpuUsage();
    const quietT0 = Date.now();
    await sleep((quietMs - 1000) / 2);
    halves.push({ cpu: cpuMs(quietStart), wall: Date.now() - quietT0 });
    progress(`quiet window, half ${half + 1}: ${(halves[half].wall / 1000).toFixed(1)} s, ${halves[half].cpu.toFixed(1)} ms CPU`);
  }

  const resumeStart = process.cpuUsage();
  while (ended < count) {
    if (Date.now() - submitStart > waitS * 1000 * 3) throw new Error(`only ${ended} of ${count} ended`);
    await sleep(100);
  }
  const resumeCpu = cpuMs(resumeStart);
  await consumer.close();

  const lateness = [];
  for (let i = 0; i < ids.length; i += 500) {
    for (const execution of await Promise.all(ids.slice(i, i + 500).map((id) => runtime.executions.get(id)))) {
      const run = execution.taskRunList.find((r) => r.taskId === 'pause');
      const pausedAt = Date.parse(run.state.histories.find((h) => h.state === 'PAUSED').date);
      lateness.push(Date.parse(run.outputs.resumed.on) - (pausedAt + waitS * 1000));
    }
  }
  const summary = {
    checkout, runtime: runtimeName, count, waitS, concurrency, rate,
    submitAndPauseS: Number(((allPausedAt - submitStart) / 1000).toFixed(1)),
    waitingCpuMsPerSecond: halves.map((h) => Number((h.cpu / (h.wall / 1000)).toFixed(2))),
    waitingWindowS: Number((halves.reduce((t, h) => t + h.wall, 0) / 1000).toFixed(1)),
    resumeCpuMsPerExecution: Number((resumeCpu / count).toFixed(3)),
    latenessMs: { p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: Math.max(...lateness), overOneSecond: lateness.filter((l) => l > 1000).length },
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} finally {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
  if (runtimeName === 'bullmq') await deletePrefix(prefix);
}
