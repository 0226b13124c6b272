#!/usr/bin/env node
// Summarises V8 CPU profiles (`node --cpu-prof`, as `BENCH_CPU_PROF=<dir> pnpm bench` writes
// them for every measured process): where the samples fall, by package and by function, self
// time and inclusive time (a function counted once per sample however deep it recurses).
//   node scripts/bench/profile-summary.mjs <file.cpuprofile>... [--top 25] [--match <substring>] [--wall]
//
// Every sample weighs the same by default. With --wall a sample weighs the time since the one
// before, which is what most viewers show; on a crowded machine that charges the time a process
// spent descheduled to the call it was in when it got the CPU back (often a socket write that
// woke Redis), so sample counts are the better measure of where the CPU goes.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { frameName, packageOf } from './lib/counting.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
};
const top = Number(option('--top', 25));
const match = option('--match', undefined);
const wallIndex = args.indexOf('--wall');
const wall = wallIndex >= 0;
if (wall) args.splice(wallIndex, 1);

function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => frameName(n.callFrame);
  const self = new Map();
  const inclusive = new Map();
  const bySelfPackage = new Map();
  let total = 0;
  let idle = 0;
  const add = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v);
  profile.samples.forEach((id, i) => {
    const dt = wall ? (profile.timeDeltas[i] ?? 0) : 1;
    const leaf = byId.get(id);
    total += dt;
    if (leaf.callFrame.functionName === '(idle)') { idle += dt; return; }
    add(self, key(leaf), dt);
    add(bySelfPackage, packageOf(leaf.callFrame.url, leaf.callFrame.functionName), dt);
    const seen = new Set();
    for (let n = leaf; n; n = byId.get(parent.get(n.id))) {
      const k = key(n);
      if (!seen.has(k)) { seen.add(k); add(inclusive, k, dt); }
    }
  });
  const busy = total - idle;
  const pct = (v) => `${((100 * v) / busy).toFixed(1).padStart(5)}%`;
  const out = [];
  const seconds = (profile.endTime - profile.startTime) / 1e6;
  out.push(wall
    ? `${basename(file)}: ${seconds.toFixed(1)} s profiled, ${(idle / 1e6).toFixed(1)} s idle, ${(busy / 1e6).toFixed(1)} s busy (percentages of busy wall time)`
    : `${basename(file)}: ${seconds.toFixed(1)} s profiled, ${total} samples, ${idle} idle, ${busy} busy (percentages of busy samples)`);
  out.push('  self time by package:');
  for (const [k, v] of [...bySelfPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`    ${pct(v)}  ${k}`);
  out.push('  self time by function:');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`    ${pct(v)}  ${k}`);
  out.push('  inclusive time by function:');
  const incl = [...inclusive].filter(([k]) => !match || k.includes(match)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, v] of incl) out.push(`    ${pct(v)}  ${k}`);
  return out.join('\n');
}

if (args.length === 0) {
  process.stderr.write('usage: node scripts/bench/profile-summary.mjs <file.cpuprofile>... [--top 25] [--match <substring>]\n');
  process.exitCode = 2;
}
for (const file of args) process.stdout.write(`${summarise(file)}\n\n`);
