// End to end: webhook → execution SUCCESS with its log line stored. One Sluice webserver and one
// `sluice worker` (concurrency 50), against the baseline endpoint with a no-op BullMQ worker
// (concurrency 50) in a second process. N connections post for the round's duration, then the
// backlog drains; executions/s = executions that reached SUCCESS / (first request → last
// SUCCESS), so every accepted request is accounted for, queued or not when the load stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { interleaved, loadSummary, median, pairedRatio, problemsFor, problemsOf, round, runLoad } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, withStacks } from '../lib/stacks.mjs';

async function measure(ctx, stack, durationMs, maxRequests) {
  const { connections, drainTimeoutMs, sampleIds } = ctx.config;
  const cpuBefore = stack.cpuMs();
  const before = await stack.completions();
  const load = await runLoad({ ...stack.ingest, body: ctx.body, connections, durationMs, maxRequests, sampleIds });
  const atLoadEnd = await stack.completions();
  const target = before.done + before.other + load.ok;
  const deadline = Date.now() + drainTimeoutMs;
  let now = atLoadEnd;
  while (now.done + now.other < target && Date.now() < deadline) {
    await sleep(stack.pollMs ?? 10);
    now = await stack.completions();
  }
  const cpuMs = stack.cpuMs() - cpuBefore;
  const startNs = BigInt(load.startNs);
  const endNs = BigInt(load.endNs);
  const lastNs = now.lastNs > endNs ? now.lastNs : endNs;
  const seconds = Number(lastNs - startNs) / 1e9;
  const succeeded = now.done - before.done;
  const other = now.other - before.other;
  return {
    accepted: load.ok,
    succeeded,
    otherTerminal: other,
    undrained: load.ok - succeeded - other,
    seconds,
    rate: succeeded / seconds,
    cpuMsPerOp: cpuMs / succeeded,
    duringLoadRate: (atLoadEnd.done - before.done) / load.seconds,
    backlogAtLoadEnd: load.ok - (atLoadEnd.done + atLoadEnd.other - before.done - before.other),
    drainMs: Number(lastNs - endNs) / 1e6,
    ids: load.ids,
    load,
  };
}

export default {
  name: 'e2e',
  title: 'End to end: webhook → SUCCESS, log line stored',
  async run(ctx) {
    const { loadMs, loadRounds, warmupMs, connections } = ctx.config;
    const starters = [
      () => startSluiceBullmq(ctx, 'e2e', { worker: true }),
      () => startBaseline(ctx, 'e2e', { worker: true }),
      ...(ctx.config.embedded ? [() => startSluiceEmbedded(ctx, 'e2e')] : []),
    ];
    const problems = [];
    const checks = {};
    const { value: results, stopped } = await withStacks(ctx, 'e2e', starters, async (stacks) => {
      const run = async (stack, durationMs, maxRequests) => {
        const m = await measure(ctx, stack, durationMs, maxRequests);
        problems.push(...problemsOf(stack.label, m.load));
        if (m.undrained > 0) problems.push(`${stack.label}: ${m.undrained} of ${m.accepted} accepted executions not finished ${ctx.config.drainTimeoutMs} ms after the load`);
        if (m.otherTerminal > 0) problems.push(`${stack.label}: ${m.otherTerminal} executions ended in another state than SUCCESS`);
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

    const side = (id) => {
      const runs = results[id];
      return {
        value: round(median(runs.map((m) => m.rate))),
        cpuMsPerOp: round(median(runs.map((m) => m.cpuMsPerOp)), 3),
        rounds: runs.map((m) => ({
          accepted: m.accepted, succeeded: m.succeeded, otherTerminal: m.otherTerminal, undrained: m.undrained,
          seconds: round(m.seconds, 3), rate: round(m.rate, 1), cpuMsPerOp: round(m.cpuMsPerOp, 3), duringLoadRate: round(m.duringLoadRate, 1),
          backlogAtLoadEnd: m.backlogAtLoadEnd, drainMs: round(m.drainMs), ingest: loadSummary(m.load),
        })),
        duringLoadRate: round(median(runs.map((m) => m.duringLoadRate))),
        ingestRate: round(median(runs.map((m) => m.load.rate))),
        peakRssMb: stopped[id]?.peakRssMb,
        ...(checks[id] ? { check: checks[id] } : {}),
      };
    };
    const baseline = { label: 'Koa + BullMQ queue.add + no-op BullMQ worker', ...side('baseline') };
    const row = (id, runtime, label) => {
      const sluice = side(id);
      return {
        scenario: 'end to end', runtime, unit: 'exec/s', sluice, baseline,
        ratio: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.rate),
        ratioOfMedians: round(sluice.value / baseline.value, 3),
        cpuRatio: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.cpuMsPerOp),
        details: { connections, roundMs: loadMs, rounds: loadRounds, workerConcurrency: ctx.config.concurrency },
        problems: problemsFor(problems, [label, 'Koa + BullMQ']),
      };
    };
    return [
      row('sluice-bullmq', 'bullmq', 'Sluice, BullMQ'),
      ...(results['sluice-embedded'] ? [row('sluice-embedded', 'embedded', 'Sluice, embedded')] : []),
    ];
  },
};
