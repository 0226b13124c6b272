#!/usr/bin/env node
// `pnpm bench`: measures, never asserts. Each scenario runs beside a baseline measured in the
// same run, interleaved over several rounds, and reports the median rate and the ratio to the
// baseline, because absolute figures drift by tens of percent between sittings on these machines.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const engine = await import(join(root, 'packages/engine/dist/index.js'));
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

/** Runs `fn` in batches for `ms` milliseconds; returns operations per second. */
function rate(fn, ms) {
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function compare(name, subject, baseline, baselineName) {
  subject(); baseline(); // warm up both, and fail fast if either throws
  const s = [], b = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first so drift within a round favours neither.
    if (r % 2 === 0) { s.push(rate(subject, ROUND_MS)); b.push(rate(baseline, ROUND_MS)); }
    else { b.push(rate(baseline, ROUND_MS)); s.push(rate(subject, ROUND_MS)); }
  }
  const row = { scenario: name, opsPerSec: Math.round(median(s)), baseline: baselineName, baselineOpsPerSec: Math.round(median(b)) };
  row.ratio = Number((row.opsPerSec / row.baselineOpsPerSec).toFixed(3));
  return row;
}

const { registry } = await engine.loadPlugins({
  packages: ['@sluice/plugin-core-log', '@sluice/plugin-trigger-webhook'],
  resolveFrom: join(root, 'apps/server'),
});

const variables = {
  flow: { id: 'trigger', namespace: 'company.team' },
  trigger: { body: { name: 'Ada', items: [1, 2, 3] }, headers: { 'x-id': ['42'] }, parameters: { q: ['a'] } },
};
const template = "Hello {{ trigger.body.name | upper }} #{{ trigger.headers['x-id'][0] }} with {{ trigger.body.items | length }} items";
const seed = `id: trigger
namespace: company.team

tasks:
  - id: hello
    type: io.kestra.plugin.core.log.Log
    message: "Hello World! 🚀"

triggers:
  - id: webhook
    type: io.kestra.plugin.core.trigger.Webhook
    key: 4wjtkzwVGBM9yKnjm3yv8r
`;

process.stderr.write(`bench: ${ROUNDS} interleaved rounds of ${ROUND_MS} ms per scenario\n`);
const rows = [];
process.stderr.write('bench: cached template renders\n');
rows.push(compare('template render (cached)', () => engine.renderTemplate(template, variables),
  () => `Hello ${variables.trigger.body.name.toUpperCase()} #${variables.trigger.headers['x-id'][0]} with ${variables.trigger.body.items.length} items`,
  'hand-written JS template literal'));
process.stderr.write('bench: flows parsed and validated\n');
rows.push(compare('flow parse + validate (seed flow)', () => { if (!engine.parseFlow(seed, registry).ok) throw new Error('invalid'); },
  () => parseYaml(seed), 'yaml.parse of the same source'));

console.table(rows);
mkdirSync(join(root, 'bench-results'), { recursive: true });
const file = join(root, 'bench-results', 'engine.json');
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows }, null, 2));
process.stderr.write(`bench: wrote ${file}\n`);
