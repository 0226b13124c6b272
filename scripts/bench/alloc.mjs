#!/usr/bin/env node
// Bytes allocated and promoted per webhook of a built checkout on BullMQ, webserver and worker
// apart: counts that other load on the machine does not move (tenth round in docs/performance.md).
//
//   node scripts/bench/alloc.mjs <checkout> [ingest|wait] [warm-up requests] [requests]
//
// Starts the checkout's webserver (and, for `wait`, its worker) with --trace-gc-nvp and
// lib/heap-sampler.mjs preloaded, sends the warm-up requests (50 in flight, as the paired run's
// ingestion and waits), opens the window (SIGUSR2), sends the measured requests, closes it, and
// sums the collections inside the window: V8's own count of bytes allocated, promoted (survived
// two scavenges, copied to the old generation) and GC pause, per request; and each process's CPU
// time inside the window, per request (other load moves it less than a rate, not to nothing).
//   ALLOC_PROFILE_DIR=<dir> also runs V8's sampling heap profiler over the window and prints the
//     sampled bytes per request by package and by function (allocation site, self) and the
//     heaviest stacks; the .heapprofile files stay in <dir> (Chrome DevTools opens them).
//   ALLOC_SURVIVORS=1 keeps only the samples of objects no scavenge collected: what lived through
//     the young generation (promoted), which is what costs the old generation's GC.
//     The survivors also count young objects that a full collection found dead (a few % of what
//     is allocated): compare a site's survivors with its allocation in a run without the flag.
//   ALLOC_CPU_PROFILE=1 (with ALLOC_PROFILE_DIR): V8's CPU profiler over the window instead, a
//     sample every ALLOC_CPU_INTERVAL µs (250); the .cpuprofile files stay in <dir>.
//   ALLOC_SNAPSHOT=1 (with ALLOC_PROFILE_DIR): a heap snapshot of each process 1.5 s into the
//     window; scripts/bench/heap-retainers.mjs says what holds what in it.
//   ALLOC_FULL_GC=1 with ALLOC_NODE_ARGS=--expose-gc: one full collection as the window opens.
//   ALLOC_INTERVAL=4096 (bytes between samples), ALLOC_CONCURRENCY=50, ALLOC_TOP=25,
//   ALLOC_NODE_ARGS (more node flags), ALLOC_MATCH=<substring> (stacks through that frame only),
//   ALLOC_ENV="NAME=value ..." (environment of both processes), ALLOC_GC_LOG=<file> (the window's
//   --trace-gc-nvp lines), ALLOC_LINES=<file> (every line the processes printed).
//   defaults: 3000 warm-up, 5000 measured. Latency and rate are printed too (wall clock: other
//   load moves them; the byte counts it does not).
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seedFlowsFolder } from './lib/flows.mjs';
import { frameName, packageOf, sendInLanes } from './lib/counting.mjs';
import { deletePrefix, REDIS_URL, uniquePrefix } from './lib/redis.mjs';
import { WEBHOOK_KEY, webhookBody } from './lib/stacks.mjs';

const [checkout, mode = 'ingest', warmupArg, countArg] = process.argv.slice(2);
if (!checkout || !['ingest', 'wait'].includes(mode)) {
  process.stderr.write('usage: node scripts/bench/alloc.mjs <checkout> [ingest|wait] [warm-up requests] [requests]\n');
  process.exit(2);
}
const warmup = Number(warmupArg ?? 3000);
const count = Number(countArg ?? 5000);
const concurrency = Number(process.env.ALLOC_CONCURRENCY ?? 50);
const top = Number(process.env.ALLOC_TOP ?? 25);
const profileDir = process.env.ALLOC_PROFILE_DIR ? resolve(process.env.ALLOC_PROFILE_DIR) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const cli = join(resolve(checkout), 'apps', 'server', 'dist', 'cli.js');
const sampler = new URL('./lib/heap-sampler.mjs', import.meta.url).href;
const { tmpDir, flowsDir } = seedFlowsFolder('alloc');
const prefix = uniquePrefix('alloc');
const env = {
  PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', SLUICE_LOG_LEVEL: 'info', SLUICE_SHUTDOWN_GRACE_MS: '1000',
  REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_FLOWS_DIR: flowsDir, SLUICE_DATA_DIR: join(tmpDir, 'data'),
  SLUICE_USERNAME: 'bench', SLUICE_PASSWORD: `bench-${prefix}`, SLUICE_WORKER_CONCURRENCY: '50',
  // ALLOC_ENV="NAME=value ...": more environment for both processes (a SLUICE_ setting, say).
  ...Object.fromEntries((process.env.ALLOC_ENV ?? '').split(' ').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  ...(profileDir ? { ALLOC_PROFILE_DIR: profileDir } : {}),
  ...(process.env.ALLOC_SURVIVORS ? { ALLOC_SURVIVORS: process.env.ALLOC_SURVIVORS } : {}),
  ...(process.env.ALLOC_INTERVAL ? { ALLOC_INTERVAL: process.env.ALLOC_INTERVAL } : {}),
  ...(process.env.ALLOC_CPU_PROFILE ? { ALLOC_CPU_PROFILE: process.env.ALLOC_CPU_PROFILE } : {}),
  ...(process.env.ALLOC_CPU_INTERVAL ? { ALLOC_CPU_INTERVAL: process.env.ALLOC_CPU_INTERVAL } : {}),
};
const children = [];

/** Starts `args` of the CLI; resolves once `ready` shows. Keeps every line of its output. */
function start(role, args, ready) {
  const nodeArgs = ['--trace-gc-nvp', '--import', sampler, ...(process.env.ALLOC_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const child = spawn(process.execPath, [...nodeArgs, cli, ...args], { cwd: tmpDir, env: { ...env, ALLOC_ROLE: role }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  const proc = { role, child, lines: [], waiters: [] };
  for (const stream of [child.stdout, child.stderr]) {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffer += chunk;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        proc.lines.push(line);
        for (const w of [...proc.waiters]) if (w.pattern.test(line)) { proc.waiters.splice(proc.waiters.indexOf(w), 1); w.resolve(line); }
      }
    });
  }
  proc.waitFor = (pattern, timeoutMs) => new Promise((done, fail) => {
    const seen = proc.lines.find((l) => pattern.test(l));
    if (seen) return done(seen);
    const timer = setTimeout(() => fail(new Error(`${role}: no ${pattern} within ${timeoutMs} ms`)), timeoutMs);
    proc.waiters.push({ pattern, resolve: (l) => { clearTimeout(timer); done(l); } });
    child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`${role} exited ${code}: ${proc.lines.filter((l) => !l.startsWith('[')).slice(-5).join(' ')}`)); });
  });
  return proc.waitFor(ready, 60_000).then(() => proc);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = [];
/** One POST; resolves true on 200. Its latency goes to `latencies`. */
function post(url, body) {
  const startedAt = performance.now();
  return new Promise((done) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - startedAt);
        done(res.statusCode === 200);
      });
    });
    req.on('error', () => done(false));
    req.end(body);
  });
}
/** Sends `n` requests, `concurrency` in flight; resolves with how many were not 200. */
const send = (url, body, n) => sendInLanes(n, concurrency, () => post(url, body));

/** Sums the --trace-gc-nvp lines between the window's marks: allocated, promoted, pause. */
function gcOf(proc) {
  const mark = (word) => Number(proc.lines.find((l) => l.startsWith(`heap-sampler: ${word} `)).split(' ')[2]);
  const [from, to] = [mark('start'), mark('stop')];
  const sums = { scavenges: 0, majors: 0, allocated: 0, promoted: 0, pauseMs: 0 };
  for (const line of proc.lines) {
    const m = /^\[\d+:0x[0-9a-f]+\]\s+(\d+) ms: (pause=.*)$/.exec(line);
    if (!m) continue;
    const at = Number(m[1]);
    if (at < from || at > to) continue;
    if (process.env.ALLOC_GC_LOG) appendFileSync(process.env.ALLOC_GC_LOG, `${proc.role} ${line}\n`);
    const field = (name) => Number(new RegExp(`(?:^| )${name}=([\\d.]+)`).exec(m[2])?.[1] ?? 0);
    if (/ gc=s /.test(` ${m[2]} `)) sums.scavenges++;
    else sums.majors++;
    sums.allocated += field('allocated');
    sums.promoted += field('promoted');
    sums.pauseMs += field('pause');
  }
  return sums;
}

/** Sampled bytes per request of one .heapprofile: by package, function (self) and stack. */
function summarise(file) {
  const { head } = JSON.parse(readFileSync(file, 'utf8'));
  const frame = (n) => frameName(n.callFrame);
  const byPackage = new Map();
  const byFunction = new Map();
  const byStack = new Map();
  const add = (map, k, v) => map.set(k, (map.get(k) ?? 0) + v);
  let total = 0;
  const match = process.env.ALLOC_MATCH;
  const walk = (node, path) => {
    const here = [...path, node];
    if (node.selfSize > 0) {
      total += node.selfSize;
      add(byFunction, frame(node), node.selfSize);
      // The package a sample is charged to: the innermost frame of Sluice's own code or a
      // dependency, so built-ins (JSON, Array) count against whoever called them.
      const owner = [...here].reverse().find((n) => n.callFrame.url && !n.callFrame.url.startsWith('node:'));
      add(byPackage, owner ? packageOf(owner.callFrame.url, owner.callFrame.functionName) : packageOf(node.callFrame.url, node.callFrame.functionName), node.selfSize);
      const stack = here.filter((n) => n.callFrame.functionName !== '(root)').slice(-6).map(frame);
      if (!match || stack.some((f) => f.includes(match))) add(byStack, stack.reverse().join(' < '), node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, here);
  };
  walk(head, []);
  const kb = (b) => (b / count / 1024).toFixed(2).padStart(7);
  const out = [`  sampled: ${kb(total)} KB per request`, '  by package (innermost non-built-in frame):'];
  for (const [k, v] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${kb(v)}  ${k}`);
  out.push('  by function (self):');
  for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${kb(v)}  ${k}`);
  out.push(`  by stack (innermost first, 6 frames)${match ? `, through ${match}` : ''}:`);
  for (const [k, v] of [...byStack].sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`  ${kb(v)}  ${k}`);
  return out.join('\n');
}

const toggle = async (processes, word) => {
  for (const p of processes) p.child.kill('SIGUSR2');
  await Promise.all(processes.map((p) => p.waitFor(new RegExp(`^heap-sampler: ${word === 'stop' ? 'written' : 'start'}`), 60_000)));
};

try {
  const web = await start('webserver', ['server', 'webserver'], /"msg":"schedules: \d+ active"/);
  const listening = web.lines.find((line) => line.includes('"msg":"listening on '));
  const url = `${JSON.parse(listening).url}/api/v1/main/executions/webhook/company.team/${mode === 'wait' ? 'trigger_wait' : 'trigger'}/${WEBHOOK_KEY}`;
  const processes = [web];
  if (mode === 'wait') processes.push(await start('worker', ['worker'], /worker consuming executions/));
  const body = webhookBody();
  const warmupFailed = await send(url, body, warmup);
  await toggle(processes, 'start');
  latencies.length = 0;
  const windowStart = performance.now();
  // ALLOC_SNAPSHOT=1: one heap snapshot of each process halfway through the window, under load.
  const snapshot = process.env.ALLOC_SNAPSHOT === '1' && profileDir
    ? new Promise((r) => setTimeout(r, 1500)).then(async () => {
      for (const p of processes) p.child.kill('SIGWINCH');
      await Promise.all(processes.map((p) => p.waitFor(/^heap-sampler: snapshot /, 120_000)));
    })
    : Promise.resolve();
  const failed = await send(url, body, count);
  await snapshot;
  const windowMs = performance.now() - windowStart;
  await toggle(processes, 'stop');
  const sorted = latencies.sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
  const lines = [
    `${checkout} ${mode}, ${count} requests (${concurrency} in flight) after ${warmup}; not 200: ${failed} measured, ${warmupFailed} warm-up`,
    `latency ms: p50 ${at(50)}, p90 ${at(90)}, p99 ${at(99)}, max ${at(100)}; ${((count * 1000) / windowMs).toFixed(0)} requests/s (wall clock: moved by other load)`,
  ];
  for (const p of processes) {
    const g = gcOf(p);
    const [user, system] = p.lines.find((l) => l.startsWith('heap-sampler: cpu ')).split(' ').slice(2).map(Number);
    lines.push(`${p.role}: CPU ${((user + system) / count).toFixed(1)} µs per request (user ${(user / count).toFixed(1)}, system ${(system / count).toFixed(1)})`);
    lines.push(`${p.role}: allocated ${(g.allocated / count / 1024).toFixed(1)} KB, promoted ${(g.promoted / count / 1024).toFixed(2)} KB, GC pause ${((g.pauseMs * 1000) / count).toFixed(1)} µs per request (${g.scavenges} scavenges, ${g.majors} other collections)`);
  }
  if (profileDir && process.env.ALLOC_CPU_PROFILE === '1') {
    for (const p of processes) lines.push(`${p.role}: CPU profile ${join(profileDir, `${p.role}-${p.child.pid}.cpuprofile`)} (node scripts/bench/profile-summary.mjs)`);
  } else if (profileDir) {
    for (const p of processes) {
      const file = readdirSync(profileDir).find((f) => f === `${p.role}-${p.child.pid}.heapprofile`);
      lines.push(`${p.role}, sampling heap profiler${process.env.ALLOC_SURVIVORS === '1' ? ', survivors of scavenges only' : ''} (${file}):`);
      lines.push(summarise(join(profileDir, file)));
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  // ALLOC_LINES=<file>: every output line of the processes (node flags such as --trace-pretenuring).
  if (process.env.ALLOC_LINES) for (const p of processes) appendFileSync(process.env.ALLOC_LINES, p.lines.map((l) => `${p.role} ${l}\n`).join(''));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
} finally {
  for (const child of children) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  agent.destroy();
  await deletePrefix(prefix).catch(() => undefined);
  rmSync(tmpDir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
