#!/usr/bin/env node
// What an execution's task runs cost, in process: the executor of a built checkout runs the seed
// flow, the ten-task flow of the ten-tasks scenario and a ForEach over N values (a Log per value)
// one execution at a time, on one runtime, and prints the CPU time of this process per execution
// and per task run, with what the saves wrote (characters of execution JSON per save).
// TASKRUNS_FLOWS=forEachKv runs a ForEach whose body is a kv.Set (a task with effects, so every
// task run is saved before it runs: 2 saves per value).
//
//   node scripts/bench/taskruns.mjs <checkout> [memory|sqlite|bullmq] [rounds]
//   TASKRUNS_FOREACH=1000  values of the ForEach; TASKRUNS_SIZES=0 skips the JSON size probe;  TASKRUNS_SEED=300 TASKRUNS_TEN=100 executions per round
//
// The flows run in the same process in interleaved rounds, so the ratios (ten tasks per seed
// flow, ForEach CPU per task run per ten-task CPU per task run) hold while the machine's speed
// moves. bullmq needs the Redis at 127.0.0.1:6379 and uses a prefix of its own, deleted at the
// end; its Redis CPU is not counted (that Redis is shared).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { deletePrefix, REDIS_URL, uniquePrefix } from './lib/redis.mjs';

const [checkoutArg, runtimeName = 'memory', roundsArg] = process.argv.slice(2);
if (!checkoutArg || !['memory', 'sqlite', 'bullmq'].includes(runtimeName)) {
  process.stderr.write('usage: node scripts/bench/taskruns.mjs <checkout> [memory|sqlite|bullmq] [rounds]\n');
  process.exit(2);
}
const checkout = resolve(checkoutArg);
const rounds = Number(roundsArg ?? 3);
const forEachValues = Number(process.env.TASKRUNS_FOREACH ?? 1000);
const perRound = { seed: Number(process.env.TASKRUNS_SEED ?? 300), ten: Number(process.env.TASKRUNS_TEN ?? 100), forEach: 1, forEachKv: 1 };

const requireFrom = createRequire(join(checkout, 'apps/server/package.json'));
const load = (name) => import(pathToFileURL(requireFrom.resolve(name)).href);
const engine = await load('@sluice/engine');
const core = await load('@sluice/core');
const { registry } = await engine.loadPlugins({ packages: ['@sluice/plugin-core-log', '@sluice/plugin-core-flow', '@sluice/plugin-core-kv'], resolveFrom: join(checkout, 'apps/server') });

const MESSAGE = '{{ trigger.body.customer.name | upper }} ordered {{ trigger.body.items | length }} items, task {{ task.id }} of {{ flow.namespace }}.{{ flow.id }} ({{ execution.id }})';
const FLOWS = {
  seed: 'id: seed\nnamespace: company.team\n\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: "Hello World! 🚀"\n',
  ten: `id: ten\nnamespace: company.team\n\ntasks:\n${Array.from({ length: 10 }, (_, i) => `  - id: log_${i + 1}\n    type: io.kestra.plugin.core.log.Log\n    message: ${JSON.stringify(MESSAGE)}\n`).join('')}`,
  forEach: `id: each\nnamespace: company.team\n\ntasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ${JSON.stringify(Array.from({ length: forEachValues }, (_, i) => `v${i}`))}\n    tasks:\n      - id: show\n        type: io.kestra.plugin.core.log.Log\n        message: "{{ taskrun.value }} of {{ execution.id }}"\n`,
  forEachKv: `id: eachkv\nnamespace: company.team\n\ntasks:\n  - id: each\n    type: io.kestra.plugin.core.flow.ForEach\n    values: ${JSON.stringify(Array.from({ length: forEachValues }, (_, i) => `v${i}`))}\n    tasks:\n      - id: put\n        type: io.kestra.plugin.core.kv.Set\n        key: "k_{{ taskrun.value }}"\n        value: "{{ taskrun.value }} of {{ execution.id }}"\n`,
};
const BODY = { customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, items: [{ sku: 'A-1', qty: 2 }, { sku: 'B-7', qty: 1 }], note: 'x'.repeat(120) };

const dir = mkdtempSync(join(tmpdir(), 'sluice-taskruns-'));
const prefix = uniquePrefix('taskruns');
let runtime;
if (runtimeName === 'memory') runtime = (await load('@sluice/runtime-memory')).createMemoryRuntime({});
else if (runtimeName === 'sqlite') runtime = (await load('@sluice/runtime-sqlite')).createSqliteRuntime({ dir });
else runtime = await (await load('@sluice/runtime-bullmq')).createBullmqRuntime({ redisUrl: REDIS_URL, prefix });

// What the saves write: counted around the repository, outside the CPU it measures only by the
// JSON it makes here (once per save): the whole execution, or, for a save naming the task runs
// it changed (`taskRuns`, which runtimes storing task runs apart write alone), the head (the
// execution with an empty list) and those task runs. `written` counts saves only (TASKRUNS_SIZES
// aside), from the save's options: cheap enough to leave on.
// The JSON made here is timed and taken off the CPU of the execution (TASKRUNS_SIZES=0 skips it).
const writes = { saves: 0, chars: 0, probeUs: 0, wholeSaves: 0, namedTaskRuns: 0 };
const sizes = process.env.TASKRUNS_SIZES !== '0';
const save = runtime.executions.save.bind(runtime.executions);
runtime.executions.save = (execution, options) => {
  writes.saves++;
  if (options?.taskRuns === undefined) writes.wholeSaves++;
  else writes.namedTaskRuns += options.taskRuns.length;
  if (sizes) {
    const cpu = process.cpuUsage();
    if (options?.taskRuns === undefined) writes.chars += core.stringifyJson(execution).length;
    else {
      const named = new Set(options.taskRuns);
      writes.chars += core.stringifyJson({ ...execution, taskRunList: [] }).length;
      for (const run of execution.taskRunList) if (named.has(run.id)) writes.chars += core.stringifyJson(run).length + 1;
    }
    const used = process.cpuUsage(cpu);
    writes.probeUs += used.user + used.system;
  }
  return save(execution, options);
};

const executor = engine.createExecutor({ runtime, registry, secrets: engine.mapSecrets({}) });
const flows = {};
for (const [name, source] of Object.entries(FLOWS)) {
  const parsed = engine.parseFlow(source, registry, { tenantId: 'main' });
  if (!parsed.ok) throw new Error(`${name}: ${JSON.stringify(parsed.errors)}`);
  flows[name] = await runtime.flows.save({ ...parsed.flow, source });
}

/** Runs `count` executions of `name` one at a time; CPU µs of this process, task runs, writes. */
async function runFlow(name, count, measured) {
  const signal = new globalThis.AbortController().signal;
  const before = { ...writes };
  let taskRuns = 0;
  const ids = [];
  let cpuUs = 0;
  let wallMs = 0;
  for (let i = 0; i < count; i++) {
    const execution = engine.createExecution({ flow: flows[name], trigger: { id: 'webhook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: { body: BODY } }, from: 'trigger' });
    await runtime.executions.create(execution);
    const probed = writes.probeUs;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const ended = await executor.run(execution.id, signal, execution);
    wallMs += performance.now() - t0;
    const used = process.cpuUsage(cpu);
    cpuUs += used.user + used.system - (writes.probeUs - probed);
    if (ended.state.current !== 'SUCCESS') throw new Error(`${name}: ${ended.state.current}`);
    taskRuns += ended.taskRunList.length;
    ids.push(execution.id);
  }
  // The reads of the API: one get per execution, timed apart.
  const cpu = process.cpuUsage();
  for (const id of ids) await runtime.executions.get(id);
  const readUsed = process.cpuUsage(cpu);
  return measured ? {
    executions: count, taskRuns, cpuUsPerExecution: cpuUs / count, cpuUsPerTaskRun: cpuUs / taskRuns, wallMsPerExecution: wallMs / count,
    savesPerExecution: (writes.saves - before.saves) / count, charsPerExecution: (writes.chars - before.chars) / count,
    wholeSavesPerExecution: (writes.wholeSaves - before.wholeSaves) / count, namedTaskRunsPerExecution: (writes.namedTaskRuns - before.namedTaskRuns) / count,
    // The probe's own serialization of what each save writes.
    stringifyCpuUsPerExecution: (writes.probeUs - before.probeUs) / count,
    readCpuUsPerExecution: (readUsed.user + readUsed.system) / count,
  } : undefined;
}

// TASKRUNS_FLOWS=ten runs one flow alone (for a profile of it); the ratios then need all three.
const results = Object.fromEntries((process.env.TASKRUNS_FLOWS ?? 'seed,ten,forEach').split(',').map((name) => [name, []]));
try {
  for (const name of Object.keys(results)) await runFlow(name, Math.max(1, Math.ceil(perRound[name] / 3)), false);
  for (let r = 0; r < rounds; r++) {
    const order = Object.keys(results);
    if (r % 2 === 1) order.reverse();
    for (const name of order) {
      results[name].push(await runFlow(name, perRound[name], true));
      process.stderr.write(`taskruns: round ${r + 1}/${rounds} ${name} ${Math.round(results[name].at(-1).cpuUsPerExecution)} µs/execution\n`);
    }
  }
} finally {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
  if (runtimeName === 'bullmq') await deletePrefix(prefix);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const per = (name, field) => median(results[name].map((m) => m[field]));
const ratios = (f) => median(Array.from({ length: rounds }, (_, r) => f(r)));
const summary = {
  checkout, runtime: runtimeName, rounds, forEachValues,
  // Every round's figures, for the bench's scenario (scenarios/task-runs.mjs) to pair.
  perRound: results,
  flows: Object.fromEntries(Object.keys(results).map((name) => [name, Object.fromEntries(Object.keys(results[name][0]).map((k) => [k, Number(per(name, k).toFixed(2))]))])),
  // Rates of one process running executions back to back: the ten-task flow's per the seed flow's.
  tenVsSeedRate: !results.seed?.length || !results.ten?.length ? undefined : Number(ratios((r) => results.seed[r].cpuUsPerExecution / results.ten[r].cpuUsPerExecution).toFixed(3)),
  forEachVsTenPerTaskRun: !results.forEach?.length || !results.ten?.length ? undefined : Number(ratios((r) => results.forEach[r].cpuUsPerTaskRun / results.ten[r].cpuUsPerTaskRun).toFixed(3)),
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
