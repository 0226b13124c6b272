#!/usr/bin/env node
// Issue 5, item 14: can a caller without the key tell a wrong key, an unknown flow and a
// disabled flow apart by the webhook's response time? Sends 2,000 requests of each kind (after
// a warm-up), interleaved in a seeded random order over one keep-alive connection, to the built
// server on 127.0.0.1, and compares the three latency distributions: quantiles, the difference
// of medians, and the two-sample Kolmogorov-Smirnov statistic against its critical values.
// A measurement, not a test: it prints the result and asserts nothing (exit 0 unless it fails to run).
//
//   pnpm build && node scripts/reliability/webhook-timing.mjs [requests per kind, default 2000]
import { budget, createFlow, quantile, request, startSluice } from './lib.mjs';

const PER_KIND = Math.min(20_000, Math.max(100, Number(process.argv[2] ?? 2000)));
const WARMUP = 300;
budget(10 * 60_000, 'webhook-timing');

const KEY = 'timing-key-4wjtkzwVGBM9yKnjm3yv8r';
const WRONG = 'timing-key-4wjtkzwVGBM9yKnjm3yv8x'; // same length, last character differs
const flow = (id, disabled) => `id: ${id}\nnamespace: measure.timing\n${disabled ? 'disabled: true\n' : ''}tasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\ntriggers:\n  - id: hook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: ${KEY}\n`;

/** mulberry32: a seeded PRNG, so the order is the same from run to run. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two-sample Kolmogorov-Smirnov statistic D of two sorted samples. */
function ks(a, b) {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i], b[j]);
    while (i < a.length && a[i] <= x) i++;
    while (j < b.length && b[j] <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

const server = await startSluice('standalone');
await createFlow(server.url, flow('enabled', false));
await createFlow(server.url, flow('disabled', true));
const path = (flowId, key) => `${server.url}/api/v1/main/executions/webhook/measure.timing/${flowId}/${key}`;
const kinds = {
  'wrong key': path('enabled', WRONG),
  'unknown flow': path('no-such-flow', KEY),
  'disabled flow': path('disabled', KEY),
};

const names = Object.keys(kinds);
const order = [];
for (const name of names) for (let i = 0; i < PER_KIND; i++) order.push(name);
const random = prng(0x7131);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}

const bodies = Object.fromEntries(names.map((n) => [n, new Set()]));
const statuses = Object.fromEntries(names.map((n) => [n, new Set()]));
for (let i = 0; i < WARMUP; i++) for (const name of names) await request(kinds[name], { method: 'POST' });
const samples = Object.fromEntries(names.map((n) => [n, []]));
const started = Date.now();
for (const name of order) {
  const res = await request(kinds[name], { method: 'POST' });
  samples[name].push(res.us);
  statuses[name].add(res.status);
  // The answers must be the same but for the path they name (the key masked in it).
  bodies[name].add(res.body.replace(/measure\.timing\/[^/"]+\//, 'measure.timing/<flow>/'));
}
const seconds = (Date.now() - started) / 1000;

const fmt = (us) => `${(us / 1000).toFixed(3)} ms`;
console.log(`webhook timing: ${PER_KIND} requests per kind, interleaved, one keep-alive connection, ${seconds.toFixed(1)} s (${process.version}, built server, embedded runtime)`);
console.log('');
console.log('kind           status  distinct bodies      p10       p50       p90       p99      mean');
for (const name of names) {
  const s = samples[name].sort((a, b) => a - b);
  const mean = s.reduce((x, y) => x + y, 0) / s.length;
  console.log(`${name.padEnd(15)}${[...statuses[name]].join(',').padEnd(8)}${String(bodies[name].size).padEnd(17)}${[0.1, 0.5, 0.9, 0.99].map((q) => fmt(quantile(s, q)).padStart(10)).join('')}${fmt(mean).padStart(10)}`);
}
const sameBody = new Set(names.flatMap((n) => [...bodies[n]])).size === 1;
console.log('');
console.log(`every answer: status ${[...new Set(names.flatMap((n) => [...statuses[n]]))].join(',')}, ${sameBody ? 'the same body (but the flow id in its instance)' : 'DIFFERENT bodies'}`);
console.log('');
// Critical values of D for two samples of n: c(α) * sqrt(2 / n).
const critical = (c) => c * Math.sqrt(2 / PER_KIND);
console.log(`Kolmogorov-Smirnov, critical D: ${critical(1.358).toFixed(4)} (α = 0.05), ${critical(1.628).toFixed(4)} (α = 0.01)`);
for (let i = 0; i < names.length; i++) {
  for (let j = i + 1; j < names.length; j++) {
    const a = samples[names[i]];
    const b = samples[names[j]];
    const d = ks(a, b);
    const medianDiff = quantile(a, 0.5) - quantile(b, 0.5);
    const verdict = d < critical(1.358) ? 'indistinguishable at α = 0.05' : d < critical(1.628) ? 'different at α = 0.05, not at α = 0.01' : 'DIFFERENT at α = 0.01';
    console.log(`  ${`${names[i]} vs ${names[j]}`.padEnd(32)} D = ${d.toFixed(4)}  median difference ${(medianDiff / 1000).toFixed(3)} ms  ${verdict}`);
  }
}
process.exit(0);
