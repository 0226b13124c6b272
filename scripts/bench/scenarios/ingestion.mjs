// Ingestion: the seed flow's webhook, answered 200 once the execution is persisted and queued,
// with no worker running (so it measures persist + queue alone), against a bare Koa route that
// reads the body and calls BullMQ's queue.add. N connections, a fixed duration per round.
import { ingestOnce, ingestSide } from '../lib/ingest.mjs';
import { interleaved, problemsFor, problemsOf, ratiosOf } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, startSluiceMemory, withStacks } from '../lib/stacks.mjs';

export default {
  name: 'ingestion',
  title: 'Ingestion: webhook → execution persisted and queued → 200',
  async run(ctx) {
    const { connections, loadMs, loadRounds, warmupMs } = ctx.config;
    const starters = [
      () => startSluiceBullmq(ctx, 'ingestion', { worker: false }),
      () => startBaseline(ctx, 'ingestion', { worker: false }),
      ...(ctx.config.embedded ? [() => startSluiceEmbedded(ctx, 'ingestion'), () => startSluiceMemory(ctx, 'ingestion')] : []),
    ];
    const problems = [];
    let accounting;
    const { value: results, stopped } = await withStacks(ctx, 'ingestion', starters, async (stacks) => {
      const accepted = Object.fromEntries(stacks.map((s) => [s.id, 0]));
      const load = async (stack, durationMs, maxRequests) => {
        const result = await ingestOnce(stack, { body: ctx.body, connections, durationMs, maxRequests });
        accepted[stack.id] += result.ok;
        problems.push(...problemsOf(stack.label, result));
        return result;
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

    const side = (id) => ingestSide(results[id], stopped[id]?.peakRssMb);
    const baseline = { label: 'Koa + BullMQ queue.add', ...side('baseline') };
    const row = (id, runtime, label) => {
      const sluice = side(id);
      return {
        scenario: 'ingestion', runtime, unit: 'req/s', sluice, baseline,
        ...ratiosOf(sluice, baseline),
        details: { connections, roundMs: loadMs, rounds: loadRounds, bodyBytes: ctx.body.length, accounting },
        problems: problemsFor(problems, [label, 'Koa + BullMQ']),
      };
    };
    return [
      row('sluice-bullmq', 'bullmq', 'Sluice, BullMQ'),
      ...(results['sluice-embedded'] ? [row('sluice-embedded', 'sqlite', 'Sluice, embedded (SQLite)')] : []),
      ...(results['sluice-memory'] ? [row('sluice-memory', 'memory', 'Sluice, in memory')] : []),
    ];
  },
};
