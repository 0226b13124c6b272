// Ingestion: the seed flow's webhook, answered 200 once the execution is persisted and queued,
// with no worker running (so it measures persist + queue alone), against a bare Koa route that
// reads the body and calls BullMQ's queue.add. N connections, a fixed duration per round.
import { interleaved, loadSummary, median, pairedRatio, percentile, problemsFor, problemsOf, round, runLoad, withCpu } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, withStacks } from '../lib/stacks.mjs';

export default {
  name: 'ingestion',
  title: 'Ingestion: webhook → execution persisted and queued → 200',
  async run(ctx) {
    const { connections, loadMs, loadRounds, warmupMs } = ctx.config;
    const starters = [
      () => startSluiceBullmq(ctx, 'ingestion', { worker: false }),
      () => startBaseline(ctx, 'ingestion', { worker: false }),
      ...(ctx.config.embedded ? [() => startSluiceEmbedded(ctx, 'ingestion')] : []),
    ];
    const problems = [];
    let accounting;
    const { value: results, stopped } = await withStacks(ctx, 'ingestion', starters, async (stacks) => {
      const accepted = Object.fromEntries(stacks.map((s) => [s.id, 0]));
      const load = async (stack, durationMs, maxRequests) => {
        const { value: result, cpuMs } = await withCpu(stack, () => runLoad({ ...stack.ingest, body: ctx.body, connections, durationMs, maxRequests }));
        accepted[stack.id] += result.ok;
        problems.push(...problemsOf(stack.label, result));
        return { ...result, cpuMsPerOp: cpuMs / result.ok };
      };
      for (const stack of stacks) {
        ctx.progress(`ingestion warm-up: ${stack.label}`);
        await load(stack, warmupMs, ctx.config.warmupRequests);
      }
      const results = await interleaved(ctx, 'ingestion', stacks, loadRounds, (stack) => load(stack, loadMs));
      // Accounted for: with no worker, every 200 must have left one job waiting in the queue.
      const sluice = stacks.find((s) => s.id === 'sluice-bullmq');
      const queued = await sluice.queued();
      if (queued !== accepted[sluice.id]) problems.push(`${sluice.label}: ${accepted[sluice.id]} webhooks answered 200 but ${queued} jobs wait in the queue`);
      accounting = { accepted, sluiceBullmqJobsWaiting: queued };
      return results;
    });

    const side = (id) => {
      const runs = results[id];
      const latencies = runs.flatMap((r) => r.latencies);
      return {
        value: round(median(runs.map((r) => r.rate))),
        p50: round(percentile(latencies, 50), 2),
        p99: round(percentile(latencies, 99), 2),
        cpuMsPerOp: round(median(runs.map((r) => r.cpuMsPerOp)), 3),
        rounds: runs.map((r) => ({ ...loadSummary(r), cpuMsPerOp: round(r.cpuMsPerOp, 3) })),
        peakRssMb: stopped[id]?.peakRssMb,
      };
    };
    const baseline = { label: 'Koa + BullMQ queue.add', ...side('baseline') };
    const row = (id, runtime, label) => {
      const sluice = side(id);
      return {
        scenario: 'ingestion', runtime, unit: 'req/s', sluice, baseline,
        ratio: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.rate),
        ratioOfMedians: round(sluice.value / baseline.value, 3),
        cpuRatio: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.cpuMsPerOp),
        details: { connections, roundMs: loadMs, rounds: loadRounds, bodyBytes: ctx.body.length, accounting },
        problems: problemsFor(problems, [label, 'Koa + BullMQ']),
      };
    };
    return [
      row('sluice-bullmq', 'bullmq', 'Sluice, BullMQ'),
      ...(results['sluice-embedded'] ? [row('sluice-embedded', 'embedded', 'Sluice, embedded')] : []),
    ];
  },
};
