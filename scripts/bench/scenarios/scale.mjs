// Scale: the ingestion of ingestion.mjs (webhook → 200, no worker) with 1, 1,000 and 10,000 flows
// holding webhooks. Each size is a flows folder of seed-flow copies with their own ids and keys,
// and the load spreads its requests over every flow's URL (round-robin from a random start, or
// at random: BENCH_SCALE_PICK). The target is that 10,000 flows ingest within 10% of 1 flow.
//
// The sizes of one runtime run side by side, one stack each, interleaved with the baseline
// (started once for the scenario): the 10,000-vs-1 ratio is then paired within each round, its
// two sides measured seconds apart, where runs one after another would let the machine's drift
// (±35% between sittings here) into it. One runtime at a time keeps at most four idle processes
// up (130-470 MB each, no worker); an idle stack's background CPU is measured and reported
// (`backgroundCpuMsPerS`), since it competes with whichever stack is being measured.
import { flowsFolder, writeSeedCopies } from '../lib/flows.mjs';
import { ingestOnce, ingestSide } from '../lib/ingest.mjs';
import { interleaved, problemsFor, problemsOf, ratiosOf, round } from '../lib/measure.mjs';
import { startBaseline, startSluiceBullmq, startSluiceEmbedded, withStacks } from '../lib/stacks.mjs';

const TARGET = 0.9;
const flowsLabel = (n) => (n === 1 ? '1 flow' : `${n.toLocaleString('en-US')} flows`);
// The server parses and stores about 1,000-2,000 flows/s at start: 30 s plus 15 ms per flow
// leaves a wide margin (3 minutes for 10,000) and still ends a start that hangs.
const startTimeoutFor = (n) => 30_000 + 15 * n;

const RUNTIMES = [
  { runtime: 'bullmq', label: 'Sluice, BullMQ', start: startSluiceBullmq },
  { runtime: 'embedded', label: 'Sluice, embedded (SQLite)', start: startSluiceEmbedded },
];

/**
 * Warm-up and interleaved rounds over the stacks of one runtime and the baseline. Returns the
 * rounds per stack id, each stack's CPU per second while the others were measured, and (BullMQ)
 * whether every 200 left a waiting job.
 */
async function phase(ctx, sized, baseline, { warmBaseline, problems }) {
  const { connections, loadMs, warmupMs, warmupRequests } = ctx.config;
  const stacks = [...sized, baseline];
  const own = Object.fromEntries(stacks.map((s) => [s.id, { accepted: 0, cpuMs: 0, seconds: 0 }]));
  const load = async (stack, durationMs, maxRequests) => {
    const result = await ingestOnce(stack, { body: ctx.body, connections, durationMs, maxRequests, pick: ctx.config.scalePick });
    const mine = own[stack.id];
    mine.accepted += result.ok;
    mine.cpuMs += result.cpuMs;
    mine.seconds += result.seconds;
    problems.push(...problemsOf(stack.label, result));
    return result;
  };
  for (const stack of stacks) {
    if (stack === baseline && !warmBaseline) continue;
    ctx.progress(`scale warm-up: ${stack.label}`);
    await load(stack, warmupMs, warmupRequests);
  }
  const startedAt = Date.now();
  const before = Object.fromEntries(stacks.map((s) => [s.id, { ...own[s.id], cpu: s.cpuMs() }]));
  const results = await interleaved(ctx, 'scale', stacks, ctx.config.scaleRounds, (stack) => load(stack, loadMs));
  const wallS = (Date.now() - startedAt) / 1000;
  const background = Object.fromEntries(stacks.map((s) => {
    const idleCpu = s.cpuMs() - before[s.id].cpu - (own[s.id].cpuMs - before[s.id].cpuMs);
    return [s.id, round(idleCpu / (wallS - (own[s.id].seconds - before[s.id].seconds)), 1)];
  }));
  const accounting = {};
  for (const stack of sized) {
    if (!stack.queued) continue;
    const queued = await stack.queued();
    accounting[stack.id] = { accepted: own[stack.id].accepted, jobsWaiting: queued };
    if (queued !== own[stack.id].accepted) problems.push(`${stack.label}: ${own[stack.id].accepted} webhooks answered 200 but ${queued} jobs wait in the queue`);
  }
  return { results, background, accounting };
}

export default {
  name: 'scale',
  title: 'Scale: ingestion with 1, 1,000 and 10,000 flows holding webhooks',
  async run(ctx) {
    const { connections, loadMs, scaleFlows: sizes, scaleRounds: rounds } = ctx.config;
    if (new Set(sizes).size !== sizes.length) throw new Error(`bench: BENCH_SCALE_FLOWS names a size twice: ${sizes.join(',')}`);
    ctx.progress(`scale: writing ${sizes.map(flowsLabel).join(', ')}`);
    const folders = sizes.map((n) => {
      const dir = flowsFolder(ctx, `scale-${n}`);
      return { n, dir, hooks: writeSeedCopies(ctx, dir, n, 'scale') };
    });
    const runtimes = RUNTIMES.filter((r) => r.runtime === 'bullmq' || ctx.config.embedded);
    const problems = [];
    const phases = {};
    const { stopped: outer } = await withStacks(ctx, 'scale', [() => startBaseline(ctx, 'scale', { worker: false })], async ([baseline]) => {
      for (const [i, rt] of runtimes.entries()) {
        const starters = folders.map((f) => () => rt.start(ctx, 'scale', {
          worker: false, flowsDir: f.dir, hooks: f.hooks, id: `sluice-${rt.runtime}-${f.n}`,
          label: `${rt.label}, ${flowsLabel(f.n)}`, startTimeoutMs: startTimeoutFor(f.n),
        }));
        const { value, stopped } = await withStacks(ctx, 'scale', starters, (sized) => phase(ctx, sized, baseline, { warmBaseline: i === 0, problems }));
        phases[rt.runtime] = { ...value, stopped };
      }
    });

    const rows = [];
    for (const rt of runtimes) {
      const { results, background, accounting, stopped } = phases[rt.runtime];
      const side = (id) => ingestSide(results[id], stopped[id]?.peakRssMb);
      const baseline = { label: 'Koa + BullMQ queue.add', ...ingestSide(results.baseline, outer.baseline?.peakRssMb) };
      const detailsOf = (n) => {
        const id = `sluice-${rt.runtime}-${n}`;
        return { flows: n, startMs: stopped[id]?.startMs, backgroundCpuMsPerS: background[id], ...(accounting[id] ? { accounting: accounting[id] } : {}) };
      };
      const common = { connections, roundMs: loadMs, rounds, pick: ctx.config.scalePick, bodyBytes: ctx.body.length, baselineStartMs: outer.baseline?.startMs, baselineBackgroundCpuMsPerS: background.baseline };
      for (const n of sizes) {
        const sluice = side(`sluice-${rt.runtime}-${n}`);
        rows.push({
          scenario: `scale: ${flowsLabel(n)}`, runtime: rt.runtime, unit: 'req/s', sluice, baseline, ...ratiosOf(sluice, baseline),
          details: { ...detailsOf(n), ...common },
          problems: problemsFor(problems, [`${rt.label}, ${flowsLabel(n)}`, 'Koa + BullMQ']),
        });
      }
      // The target row: the largest size against the smallest, both sides Sluice, paired per round.
      const [small, large] = [sizes[0], sizes.at(-1)];
      if (small === large) continue;
      const sluice = side(`sluice-${rt.runtime}-${large}`);
      const versus = { label: 'the same runtime at the smaller number of flows', ...side(`sluice-${rt.runtime}-${small}`) };
      const ratios = ratiosOf(sluice, versus);
      rows.push({
        scenario: `scale: ${flowsLabel(large)} vs ${flowsLabel(small)}`, runtime: rt.runtime, unit: 'req/s', sluice, baseline: versus, ...ratios,
        details: { target: `within ${Math.round((1 - TARGET) * 100)}% of ${flowsLabel(small)}: ratio ≥ ${TARGET}`, meetsTarget: ratios.ratio >= TARGET, large: detailsOf(large), small: detailsOf(small), ...common },
        problems: problemsFor(problems, [`${rt.label}, ${flowsLabel(large)}`, `${rt.label}, ${flowsLabel(small)}`]),
      });
    }
    return rows;
  },
};
