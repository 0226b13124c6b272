// The ingestion measurement shared by the scenarios that post webhooks with no worker running
// (ingestion, scale, payload): one load run with the CPU the stack used meanwhile, and the
// summary of a stack's rounds that a row shows.
import { loadSummary, median, percentile, round, runLoad, withCpu } from './measure.mjs';

/** One load run against the stack's ingestion request(s); `spec` adds body, connections, length. */
export async function ingestOnce(stack, spec) {
  const { value: result, cpuMs } = await withCpu(stack, () => runLoad({ ...stack.ingest, ...spec }));
  return { ...result, cpuMs, cpuMsPerOp: cpuMs / result.ok };
}

/** A stack's side of a row: median rate, p50/p99 pooled over the rounds, CPU per request. */
export function ingestSide(runs, peakRssMb) {
  const latencies = runs.flatMap((r) => r.latencies);
  return {
    value: round(median(runs.map((r) => r.rate))),
    p50: round(percentile(latencies, 50), 2),
    p99: round(percentile(latencies, 99), 2),
    cpuMsPerOp: round(median(runs.map((r) => r.cpuMsPerOp)), 3),
    rounds: runs.map((r) => ({ ...loadSummary(r), cpuMsPerOp: round(r.cpuMsPerOp, 3) })),
    peakRssMb,
  };
}
