// Shared pieces of the process scenarios: the loadgen call, statistics, interleaved rounds.
import { join } from 'node:path';
import { root } from './modules.mjs';
import { runChild } from './processes.mjs';

const LOADGEN = join(root, 'scripts', 'bench', 'loadgen.mjs');

/** Runs the load generator in a fresh child process; bounded by the run's duration plus a margin. */
export function runLoad(spec) {
  return runChild('loadgen', LOADGEN, spec, spec.durationMs + (spec.timeoutMs ?? 10_000) + 15_000);
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Nearest-rank percentile of an unsorted list (p in 0..100). */
export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const round = (x, digits = 0) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

/**
 * Runs `measure(stack, roundIndex)` for every stack in every round, rotating the order each
 * round so that drift within a round (other engineers' tests, thermal, Redis state) favours no
 * stack. Returns the results per stack id, in round order.
 */
export async function interleaved(ctx, scenario, stacks, rounds, measure) {
  const results = Object.fromEntries(stacks.map((s) => [s.id, []]));
  for (let r = 0; r < rounds; r++) {
    const order = stacks.map((_, i) => stacks[(i + r) % stacks.length]);
    for (const stack of order) {
      ctx.progress(`${scenario} round ${r + 1}/${rounds}: ${stack.label}`);
      results[stack.id].push(await measure(stack, r));
    }
  }
  return results;
}

/** Summary of a load run for the JSON file (no raw latencies). */
export function loadSummary(result) {
  return {
    ok: result.ok, seconds: round(result.seconds, 3), rate: round(result.rate, 1), mismatched: result.mismatched,
    statuses: result.statuses, errors: result.errors,
    p50Ms: round(percentile(result.latencies, 50), 3), p99Ms: round(percentile(result.latencies, 99), 3),
    loadgenCpuMsPerRequest: round(result.cpuMsPerRequest, 3),
  };
}

/** Complaints about a load run: non-2xx answers, transport errors, unexpected bodies. */
export function problemsOf(label, result) {
  const problems = [];
  const bad = Object.entries(result.statuses).filter(([code]) => Number(code) < 200 || Number(code) >= 300);
  if (bad.length) problems.push(`${label}: non-2xx answers ${bad.map(([c, n]) => `${c}×${n}`).join(', ')}`);
  const errors = Object.entries(result.errors);
  if (errors.length) problems.push(`${label}: request errors ${errors.map(([e, n]) => `${e}×${n}`).join(', ')}`);
  if (result.mismatched) problems.push(`${label}: ${result.mismatched} 2xx answers without the expected body`);
  if (result.ok === 0) problems.push(`${label}: no successful request`);
  return problems;
}

/**
 * The ratio of a scenario: the median over rounds of (Sluice's round / the baseline's round of
 * the same round). Each pair is measured seconds apart, so load from other work on the machine
 * weighs on both sides of a ratio alike; the ratio of the medians is kept beside it in the JSON.
 */
export function pairedRatio(sluiceRounds, baselineRounds, pick) {
  const ratios = sluiceRounds.map((s, i) => pick(s) / pick(baselineRounds[i]));
  return round(median(ratios), 3);
}

/**
 * Runs `fn` and returns its value with the CPU ms the stack's processes used meanwhile: in all
 * (`cpuMs`, as `stack.cpuMs()` counts it) and by process role (`cpuMsByRole`). Each process is
 * read once before and once after; one started meanwhile counts from zero.
 */
export async function withCpu(stack, fn) {
  const before = stack.processes.map((p) => p.cpuMs());
  const value = await fn();
  const spent = stack.processes.map((p, i) => p.cpuMs() - (before[i] ?? 0));
  const cpuMsByRole = Object.fromEntries(stack.processes.map((p, i) => [p.role ?? p.name, spent[i]]));
  return { value, cpuMs: spent.reduce((sum, ms) => sum + ms, 0), cpuMsByRole };
}

/** The problems that concern one side of a row. */
export const problemsFor = (problems, labels) => problems.filter((p) => labels.some((l) => p.startsWith(`${l}:`)));

/**
 * The ratios a row carries: `ratio` paired per round (see pairedRatio), `ratioOfMedians`, and
 * `cpuRatio` of CPU ms per operation. `pick` reads a round's figure (its rate by default).
 */
export function ratiosOf(sluice, baseline, pick = (r) => r.rate) {
  return {
    ratio: pairedRatio(sluice.rounds, baseline.rounds, pick),
    ratioOfMedians: round(sluice.value / baseline.value, 3),
    cpuRatio: pairedRatio(sluice.rounds, baseline.rounds, (r) => r.cpuMsPerOp),
  };
}
