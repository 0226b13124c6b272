// Task runs (issue 17, point 7): what an execution's task runs cost the worker, in process, per
// runtime, from scripts/bench/taskruns.mjs run as a child for each (see its header): the
// ten-task flow's rate against the seed flow's, and a ForEach over 1,000 values' CPU per task run
// against the ten-task flow's, each paired within a round. With BENCH_TASK_RUNS_PAUSED=1, also
// scripts/bench/paused.mjs: 10,000 executions paused at once, the CPU while they wait and how late
// each resumes (about 100 s per runtime). Only run when named (BENCH_SCENARIOS=task-runs): the
// ForEach alone takes the worker seconds per execution today.
//   BENCH_TASK_RUNS_RUNTIMES=sqlite,bullmq (memory too if named)  BENCH_TASK_RUNS_ROUNDS=3
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { median } from '../lib/measure.mjs';

const run = promisify(execFile);

/** The JSON a script of scripts/bench prints, run with this Node on the checkout at `root`. */
async function scriptJson(root, script, args, env = {}) {
  const { stdout } = await run(process.execPath, [join(root, 'scripts/bench', script), root, ...args], {
    env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000,
  });
  return JSON.parse(stdout);
}

const RUNTIME_LABEL = { sqlite: 'embedded', bullmq: 'bullmq', memory: 'memory' };
const perSecond = (us) => Math.round(1e6 / us);
const paired = (a, b, f) => Number(median(a.map((x, i) => f(x, b[i]))).toFixed(3));

export default {
  name: 'task-runs',
  title: 'Task runs in process: ten tasks vs the seed flow, a ForEach over 1,000 values per task run, paused executions',
  async run(ctx) {
    const runtimes = (process.env.BENCH_TASK_RUNS_RUNTIMES ?? 'sqlite,bullmq').split(',').map((s) => s.trim()).filter(Boolean);
    const rounds = Number(process.env.BENCH_TASK_RUNS_ROUNDS ?? 3);
    const rows = [];
    for (const runtime of runtimes) {
      ctx.progress(`task-runs: ${runtime}, ${rounds} rounds`);
      const result = await scriptJson(ctx.root, 'taskruns.mjs', [runtime, String(rounds)], { TASKRUNS_SIZES: '0' });
      const { seed, ten, forEach } = result.perRound;
      const side = (label, rs, field) => ({ label, value: perSecond(median(rs.map((r) => r[field]))), rounds: rs.map((r) => ({ rate: perSecond(r[field]) })) });
      const label = RUNTIME_LABEL[runtime] ?? runtime;
      rows.push({
        scenario: 'task runs: ten tasks vs seed flow (worker, in process)', runtime: label, unit: 'exec/CPU s',
        sluice: side('ten-task flow', ten, 'cpuUsPerExecution'), baseline: side('the seed flow, same process, same rounds', seed, 'cpuUsPerExecution'),
        ratio: paired(ten, seed, (t, s) => s.cpuUsPerExecution / t.cpuUsPerExecution),
        // Issue 17's target (0.5) is end to end, webhook included: the ten-tasks scenario's row.
        details: { note: 'the worker alone; the target of 0.5 is end to end (ten-tasks scenario)', flows: result.flows },
      });
      const ratio = paired(forEach, ten, (f, t) => t.cpuUsPerTaskRun / f.cpuUsPerTaskRun);
      rows.push({
        scenario: `task runs: ForEach over ${result.forEachValues} values vs ten tasks, per task run`, runtime: label, unit: 'task runs/CPU s',
        sluice: side('ForEach task runs', forEach, 'cpuUsPerTaskRun'), baseline: side('ten-task flow task runs, same process, same rounds', ten, 'cpuUsPerTaskRun'),
        ratio,
        details: { target: 'CPU per task run within 1.5 times the ten-task flow\'s: ratio at least 0.667 (issue 17)', meetsTarget: ratio >= 1 / 1.5 },
      });
      if (process.env.BENCH_TASK_RUNS_PAUSED !== '1') continue;
      ctx.progress(`task-runs: ${runtime}, 10,000 paused executions`);
      const paused = await scriptJson(ctx.root, 'paused.mjs', [runtime]);
      rows.push({
        scenario: `task runs: ${paused.count} paused at once, resume lateness`, runtime: label, unit: 'p99 ms',
        sluice: { label: 'lateness of each resume', value: paused.latenessMs.p99, p50: paused.latenessMs.p50, p99: paused.latenessMs.p99 },
        baseline: { label: 'its date (1 s allowed)', value: 1000 },
        ratio: Number((paused.latenessMs.p99 / 1000).toFixed(3)),
        details: {
          target: 'each resumes within a second of its date, no CPU while waiting (issue 17)', meetsTarget: paused.latenessMs.max <= 1000,
          waitingCpuMsPerSecond: paused.waitingCpuMsPerSecond, paused,
        },
      });
    }
    return rows;
  },
};
