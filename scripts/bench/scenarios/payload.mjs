// Payload: the ingestion of ingestion.mjs (seed flow's webhook → 200, no worker) with 1 KB,
// 100 KB and 1 MB JSON bodies, against the Koa + BullMQ route at the same size. Both sides keep
// the body: Sluice in the stored execution, the baseline in the job's data.
//
// Every size gets fresh stacks, stopped (and their Redis keys deleted) before the next: nothing
// consumes what is ingested, so Redis and the embedded process hold every body they accepted,
// and 1 MB bodies would otherwise pile up gigabytes across sizes. For the same reason a round
// (and the warm-up) also ends once it has sent BENCH_PAYLOAD_ROUND_MB of bodies, and bodies of
// 1 MB and more go over fewer connections (in flight, 50 of them would be 50 MB per side for no
// extra rate). With the defaults, Redis holds about 1.4 GB at the end of the 1 MB size (512
// requests per side, 1.3 MB per Sluice execution and 1.5 MB per baseline job), freed at its end.
import { ingestOnce, ingestSide } from '../lib/ingest.mjs';
import { interleaved, problemsFor, problemsOf, ratiosOf } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, webhookBody, withStacks } from '../lib/stacks.mjs';

const MB = 1024 * 1024;
const LARGE_CONNECTIONS = 8;
const sizeLabel = (bytes) => (bytes >= MB ? `${bytes / MB} MB` : `${bytes / 1024} KB`);

/** The load settings of one body size: connections and the request cap of a round. */
function settingsFor(ctx, bytes) {
  const { connections, payloadRoundMb, warmupRequests } = ctx.config;
  const maxRequests = Math.max(1, Math.floor((payloadRoundMb * MB) / bytes));
  return {
    connections: bytes >= MB ? Math.min(connections, LARGE_CONNECTIONS) : connections,
    maxRequests,
    warmupRequests: Math.min(warmupRequests, maxRequests),
  };
}

/** One body size: start, warm up, interleaved rounds, the BullMQ accounting check, stop. */
async function measureSize(ctx, bytes, problems) {
  const { loadMs, warmupMs, payloadRounds } = ctx.config;
  const body = webhookBody(bytes);
  const settings = settingsFor(ctx, bytes);
  const name = `payload ${sizeLabel(bytes)}`;
  const starters = [
    () => startSluiceBullmq(ctx, 'payload', { worker: false }),
    () => startBaseline(ctx, 'payload', { worker: false }),
    ...(ctx.config.embedded ? [() => startSluiceEmbedded(ctx, 'payload')] : []),
  ];
  let accounting;
  const { value: results, stopped } = await withStacks(ctx, name, starters, async (stacks) => {
    const accepted = Object.fromEntries(stacks.map((s) => [s.id, 0]));
    const load = async (stack, durationMs, maxRequests) => {
      const result = await ingestOnce(stack, { body, connections: settings.connections, durationMs, maxRequests });
      accepted[stack.id] += result.ok;
      problems.push(...problemsOf(`${stack.label}, ${sizeLabel(bytes)}`, result));
      return result;
    };
    for (const stack of stacks) {
      ctx.progress(`${name} warm-up: ${stack.label}`);
      await load(stack, warmupMs, settings.warmupRequests);
    }
    const results = await interleaved(ctx, name, stacks, payloadRounds, (stack) => load(stack, loadMs, settings.maxRequests));
    const sluice = stacks.find((s) => s.id === 'sluice-bullmq');
    const queued = await sluice.queued();
    if (queued !== accepted[sluice.id]) problems.push(`${sluice.label}, ${sizeLabel(bytes)}: ${accepted[sluice.id]} webhooks answered 200 but ${queued} jobs wait in the queue`);
    accounting = { accepted, sluiceBullmqJobsWaiting: queued };
    return results;
  });
  return { results, stopped, accounting, settings, bodyBytes: body.length };
}

export default {
  name: 'payload',
  title: 'Payload: ingestion with 1 KB, 100 KB and 1 MB JSON bodies',
  async run(ctx) {
    const { loadMs, payloadRounds: rounds, payloadBytes } = ctx.config;
    const problems = [];
    const rows = [];
    for (const bytes of payloadBytes) {
      const { results, stopped, accounting, settings, bodyBytes } = await measureSize(ctx, bytes, problems);
      const side = (id) => ingestSide(results[id], stopped[id]?.peakRssMb);
      const baseline = { label: 'Koa + BullMQ queue.add, the same body in the job data', ...side('baseline') };
      const row = (id, runtime, label) => {
        const sluice = side(id);
        return {
          scenario: `payload: ${sizeLabel(bytes)}`, runtime, unit: 'req/s', sluice, baseline, ...ratiosOf(sluice, baseline),
          details: {
            bodyBytes, connections: settings.connections, roundMs: loadMs, maxRequestsPerRound: settings.maxRequests, rounds,
            warmupRequests: settings.warmupRequests, startMs: stopped[id]?.startMs, baselineStartMs: stopped.baseline?.startMs,
            ...(runtime === 'bullmq' ? { accounting } : {}),
            ...(settings.connections !== ctx.config.connections ? { note: `${settings.connections} connections instead of ${ctx.config.connections} for bodies of 1 MB and more` } : {}),
          },
          problems: problemsFor(problems, [`${label}, ${sizeLabel(bytes)}`, `Koa + BullMQ, ${sizeLabel(bytes)}`]),
        };
      };
      rows.push(row('sluice-bullmq', 'bullmq', 'Sluice, BullMQ'));
      if (results['sluice-embedded']) rows.push(row('sluice-embedded', 'embedded', 'Sluice, embedded (SQLite)'));
    }
    return rows;
  },
};
