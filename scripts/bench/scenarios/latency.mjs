// Latency: one request at a time, webhook → SUCCESS. Sluice answers a copy of the seed flow whose
// trigger has `wait: true` (the webhook answers when the execution ends; the answer must say
// SUCCESS); the baseline route adds the job and awaits job.waitUntilFinished (QueueEvents).
// Webserver + worker as in the end-to-end scenario. The warm-up sends the same requests over
// all the connections: V8 optimizes a function after enough calls, and at one request at a time
// a fresh Sluice would spend the whole measurement in the interpreter and the JIT compiler.
import { interleaved, loadSummary, median, pairedRatio, percentile, problemsFor, problemsOf, round, runLoad, withCpu } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, withStacks } from '../lib/stacks.mjs';

export default {
  name: 'latency',
  title: 'Latency: one request at a time, webhook → SUCCESS',
  async run(ctx) {
    const { latencyMs, loadRounds, warmupMs, connections } = ctx.config;
    const starters = [
      () => startSluiceBullmq(ctx, 'latency', { worker: true }),
      () => startBaseline(ctx, 'latency', { worker: true }),
      ...(ctx.config.embedded ? [() => startSluiceEmbedded(ctx, 'latency')] : []),
    ];
    const problems = [];
    const { value: results, stopped } = await withStacks(ctx, 'latency', starters, async (stacks) => {
      const run = async (stack, durationMs, maxRequests, conns = 1) => {
        const { value: result, cpuMs } = await withCpu(stack, () => runLoad({ ...stack.wait, body: ctx.body, connections: conns, durationMs, maxRequests }));
        problems.push(...problemsOf(stack.label, result));
        return { ...result, cpuMsPerOp: cpuMs / result.ok };
      };
      for (const stack of stacks) {
        ctx.progress(`latency warm-up: ${stack.label}`);
        await run(stack, warmupMs, ctx.config.warmupRequests, connections);
      }
      return interleaved(ctx, 'latency', stacks, loadRounds, (stack) => run(stack, latencyMs));
    });

    const side = (id) => {
      const runs = results[id];
      const latencies = runs.flatMap((r) => r.latencies);
      return {
        value: round(percentile(latencies, 50), 2),
        p50: round(percentile(latencies, 50), 2),
        p99: round(percentile(latencies, 99), 2),
        samples: latencies.length,
        requestsPerSec: round(median(runs.map((r) => r.rate))),
        cpuMsPerOp: round(median(runs.map((r) => r.cpuMsPerOp)), 3),
        rounds: runs.map((r) => ({ ...loadSummary(r), cpuMsPerOp: round(r.cpuMsPerOp, 3) })),
        peakRssMb: stopped[id]?.peakRssMb,
      };
    };
    const baseline = { label: 'Koa + BullMQ add + job.waitUntilFinished, no-op BullMQ worker', ...side('baseline') };
    const row = (id, runtime, label) => {
      const sluice = side(id);
      return {
        scenario: 'latency', runtime, unit: 'p50 ms', sluice, baseline,
        ratio: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.p50Ms),
        ratioOfMedians: round(sluice.p50 / baseline.p50, 3),
        ratioP99: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.p99Ms),
        cpuRatio: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.cpuMsPerOp),
        details: { connections: 1, roundMs: latencyMs, rounds: loadRounds },
        problems: problemsFor(problems, [label, 'Koa + BullMQ']),
      };
    };
    return [
      row('sluice-bullmq', 'bullmq', 'Sluice, BullMQ'),
      ...(results['sluice-embedded'] ? [row('sluice-embedded', 'embedded', 'Sluice, embedded (SQLite)')] : []),
    ];
  },
};
