// The results: one table (stdout, and as Markdown beside the JSON), the whole run as JSON with
// every round's figures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const num = (x, digits = 0) => (x === null || x === undefined || Number.isNaN(x) ? '-' : Number(x).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const figure = (row, side) => num(side.value, row.unit.includes('ms') ? 2 : 0);
const pair = (side) => (side.p50 === undefined ? '-' : `${num(side.p50, 2)} / ${num(side.p99, 2)}`);
const cpu = (row) => (row.sluice.cpuMsPerOp === undefined ? '-' : `${num(row.sluice.cpuMsPerOp, 3)} / ${num(row.baseline.cpuMsPerOp, 3)}`);
const rss = (side) => (side.peakRssMb ? Object.entries(side.peakRssMb).map(([k, v]) => `${k} ${v}`).join(', ') : '-');

const HEADER = ['scenario', 'runtime', 'unit', 'Sluice', 'baseline', 'ratio', 'Sluice p50/p99 ms', 'base p50/p99 ms', 'CPU ms/op Sluice / base', 'Sluice peak RSS MB', 'base peak RSS MB'];
const RIGHT = new Set([3, 4, 5, 6, 7, 8]);

function cells(rows) {
  return rows.map((r) => [
    r.scenario, r.runtime, r.unit, figure(r, r.sluice), figure(r, r.baseline), num(r.ratio, 3),
    pair(r.sluice), pair(r.baseline), cpu(r), rss(r.sluice), rss(r.baseline),
  ]);
}

/** The table as text: one line per row, columns padded. */
export function formatTable(rows) {
  const lines = cells(rows);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cs) => cs.map((c, i) => (RIGHT.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

/** The same table in Markdown. */
export function formatMarkdown(rows) {
  const line = (cs) => `| ${cs.join(' | ')} |`;
  return [line(HEADER), line(HEADER.map((_, i) => (RIGHT.has(i) ? '---:' : '---'))), ...cells(rows).map(line)].join('\n');
}

export function formatLegend(rows, errors) {
  const out = [];
  out.push('baselines:');
  for (const [scenario, label] of new Map(rows.map((r) => [r.scenario, r.baseline.label]))) out.push(`  ${scenario}: ${label}`);
  out.push('ratio = Sluice / baseline, the median of the per-round ratios: above 1 is faster for rates, slower for latencies (ms).');
  out.push('CPU ms/op = CPU time (user + system) of the measured processes per request or execution; Redis not included.');
  for (const r of rows.filter((row) => row.details?.target)) out.push(`target: ${r.scenario} (${r.runtime}): ${r.details.target}; ratio ${num(r.ratio, 3)}, ${r.details.meetsTarget ? 'met' : 'not met'}`);
  const problems = rows.flatMap((r) => r.problems ?? []);
  if (problems.length) out.push('problems:', ...[...new Set(problems)].map((p) => `  ${p}`));
  for (const e of errors) out.push(`scenario ${e.scenario} failed: ${e.error}`);
  return out.join('\n');
}

/** Writes the run to bench-results/bench-<timestamp>.json (and .md); returns the JSON path. */
export function writeResults(root, run) {
  const dir = join(root, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `bench-${run.startedAt.replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(run, null, 2)}\n`);
  const m = run.machine;
  const md = `${formatMarkdown(run.rows)}\n\n${m.nproc} CPUs (${m.cpu}), Node ${m.node}, ${run.startedAt}, load average ${m.loadavgAtStart.join(' ')} at start, ${m.loadavgAtEnd?.join(' ')} at end; ${run.seconds} s.\n`;
  writeFileSync(`${base}.md`, md);
  return `${base}.json`;
}
