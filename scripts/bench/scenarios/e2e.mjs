// End to end: webhook → execution SUCCESS with its log line stored. One Sluice webserver and one
// `sluice worker` (concurrency 50), against the baseline endpoint with a no-op BullMQ worker
// (concurrency 50) in a second process. N connections post for the round's duration, then the
// backlog drains; executions/s = executions that reached SUCCESS / (first request → last
// SUCCESS), so every accepted request is accounted for, queued or not when the load stopped.
import { e2eOnce, e2eProblems, e2eSide } from '../lib/e2e.mjs';
import { interleaved, problemsFor, ratiosOf } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, startSluiceMemory, withStacks } from '../lib/stacks.mjs';

export default {
  name: 'e2e',
  title: 'End to end: webhook → SUCCESS, log line stored',
  async run(ctx) {
    const { loadMs, loadRounds, warmupMs, connections } = ctx.config;
    const starters = [
      () => startSluiceBullmq(ctx, 'e2e', { worker: true }),
      () => startBaseline(ctx, 'e2e', { worker: true }),
      ...(ctx.config.embedded ? [() => startSluiceEmbedded(ctx, 'e2e'), () => startSluiceMemory(ctx, 'e2e')] : []),
    ];
    const problems = [];
    const checks = {};
    const { value: results, stopped } = await withStacks(ctx, 'e2e', starters, async (stacks) => {
      const run = async (stack, durationMs, maxRequests) => {
        const m = await e2eOnce(ctx, stack, { body: ctx.body, durationMs, maxRequests });
        problems.push(...e2eProblems(ctx, stack, m));
        return m;
      };
      for (const stack of stacks) {
        ctx.progress(`e2e warm-up: ${stack.label}`);
        await run(stack, warmupMs, ctx.config.warmupRequests);
      }
      const results = await interleaved(ctx, 'e2e', stacks, loadRounds, (stack) => run(stack, loadMs));
      // Read back executions sampled from every round: SUCCESS, and the Log task's line stored.
      for (const stack of stacks) {
        if (!stack.check) continue;
        const c = await stack.check(results[stack.id].flatMap((m) => m.ids));
        checks[stack.id] = c;
        if (c.success !== c.sampled || c.withLog !== c.sampled) problems.push(`${stack.label}: of ${c.sampled} sampled executions ${c.success} are SUCCESS and ${c.withLog} have their log line`);
      }
      return results;
    });

    const side = (id) => e2eSide(results[id], stopped[id]?.peakRssMb, checks[id]);
    const baseline = { label: 'Koa + BullMQ queue.add + no-op BullMQ worker', ...side('baseline') };
    const row = (id, runtime, label) => {
      const sluice = side(id);
      return {
        scenario: 'end to end', runtime, unit: 'exec/s', sluice, baseline,
        ...ratiosOf(sluice, baseline),
        details: { connections, roundMs: loadMs, rounds: loadRounds, workerConcurrency: ctx.config.concurrency },
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
