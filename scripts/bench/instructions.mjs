#!/usr/bin/env node
// Instructions per webhook of a built checkout on BullMQ, counted by valgrind's callgrind: a
// count does not move with what else runs on the machine, where CPU time on a shared one does.
//
//   node scripts/bench/instructions.mjs <checkout> [ingest|wait] [warm-up requests] [requests]
//
// Starts the checkout's webserver (and, for `wait`, its worker) under callgrind with the counting
// off, sends the warm-up requests one at a time, turns counting on, sends 100 more (counting on
// throws away the code valgrind translated, and the first requests after it are slow enough to
// meet the store's timeouts), zeroes the counts, sends the measured requests and dumps. Prints
// instructions per request per process, split into V8's compilers (TurboFan, Maglev, the
// parser), its garbage collector, and the rest (the code that does the work, JIT code included).
// The rest is what to compare: the compilers still run during a window of a few hundred requests
// and their share moves by ±10% from one run to the next. Slow: about 0.3-1 s per request.
//   defaults: ingest 600 300; wait 200 100. Needs valgrind (apt-get install valgrind).
// The worker runs much of its code unoptimised for the first few hundred requests: for the worker,
// a warm-up of 1500 gives steadier counts (eighth round in docs/performance.md).
//   INSTRUCTIONS_CONCURRENCY=50 keeps that many requests in flight instead of one (as the paired
//   run's ingestion and waits modes do): batching, timers and object lifetimes differ under load.
//   INSTRUCTIONS_KEEP=<dir> keeps the callgrind dumps there (callgrind_annotate reads them);
//   INSTRUCTIONS_NODE_ARGS="--perf-basic-prof --interpreted-frames-native-stack" names the JIT
//   code through /tmp/perf-<pid>.map, which scripts/bench/callgrind-jit.mjs reads.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedFlowsFolder } from './lib/flows.mjs';
import { sendInLanes } from './lib/counting.mjs';
import { deletePrefix, REDIS_URL, uniquePrefix } from './lib/redis.mjs';
import { WEBHOOK_KEY, webhookBody } from './lib/stacks.mjs';

const [checkout, mode = 'ingest', warmupArg, countArg] = process.argv.slice(2);
if (!checkout || !['ingest', 'wait'].includes(mode)) {
  process.stderr.write('usage: node scripts/bench/instructions.mjs <checkout> [ingest|wait] [warm-up requests] [requests]\n');
  process.exit(2);
}
const warmup = Number(warmupArg ?? (mode === 'wait' ? 200 : 600));
const count = Number(countArg ?? (mode === 'wait' ? 100 : 300));
const cli = join(resolve(checkout), 'apps', 'server', 'dist', 'cli.js');
const { tmpDir, flowsDir } = seedFlowsFolder('instructions');
const outDir = mkdtempSync(join(tmpdir(), 'sluice-callgrind-'));
const prefix = uniquePrefix('instructions');
const env = {
  PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', SLUICE_LOG_LEVEL: 'info', SLUICE_SHUTDOWN_GRACE_MS: '1000',
  REDIS_URL, SLUICE_REDIS_PREFIX: prefix, SLUICE_FLOWS_DIR: flowsDir, SLUICE_DATA_DIR: join(tmpDir, 'data'),
  SLUICE_USERNAME: 'bench', SLUICE_PASSWORD: `bench-${prefix}`, SLUICE_WORKER_CONCURRENCY: '50',
};
// callgrind_control finds a process by a pipe named after the host; the server runs with HOST set.
const controlEnv = { ...process.env, HOST: env.HOST };
const children = [];

/** Starts `args` of the CLI under callgrind, counting off; resolves with its output once `ready` shows. */
function start(role, args, ready) {
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${outDir}/${role}.%p.out`, process.execPath, '--single-threaded', ...(process.env.INSTRUCTIONS_NODE_ARGS ?? '').split(' ').filter(Boolean), cli, ...args], {
    cwd: tmpDir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  children.push(child);
  return new Promise((resolveStart, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${role}: not ready after 10 minutes`)), 600_000);
    const onData = (data) => {
      output += data;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolveStart({ child, output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data) => (output += data));
    child.on('exit', (code) => reject(new Error(`${role} exited ${code}: ${output.split('\n').filter((l) => l.startsWith('sluice:')).join(' ')}`)));
  });
}

/** Under valgrind a start may miss the store's 1 s connection timeout on a busy machine: try again. */
async function startWithRetries(role, args, ready) {
  for (let attempt = 1; ; attempt++) {
    const before = children.length;
    try {
      return await start(role, args, ready);
    } catch (error) {
      for (const child of children.splice(before)) killGroup(child);
      if (attempt >= 4) throw error;
      process.stderr.write(`instructions: ${error.message}; starting again\n`);
    }
  }
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

const concurrency = Number(process.env.INSTRUCTIONS_CONCURRENCY ?? 1);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
/** One POST; resolves true on 200, false otherwise (a 503 when valgrind made the store time out). */
function post(url, body) {
  return new Promise((done) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode === 200));
    });
    req.on('error', () => done(false));
    req.end(body);
  });
}
/** Sends `n` requests, `concurrency` in flight; resolves with how many were not 200. */
const send = (url, body, n) => sendInLanes(n, concurrency, () => post(url, body));
const control = (pid, ...args) => execFileSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8', env: controlEnv, stdio: ['ignore', 'pipe', 'pipe'] });

const COMPILER = /internal::compiler::|maglev::|turboshaft|internal::Compiler::|BytecodeGenerator|internal::Parser|internal::ParserBase|internal::Scanner|internal::Zone|Pipeline|OptimizedCompilationJob|CodeGenerator|InstructionSelector|RegisterAllocat/;
const GC = /Mark|Scaveng|Sweep|Evacuat|Collector|GCTracer|heap::base|Heap::|MemoryAllocator|Compaction|RememberedSet|SlotSet|PagedSpace|Worklist/;

/** Self instructions of a callgrind dump, split into compilers, GC and the rest. */
function split(file) {
  const text = execFileSync('callgrind_annotate', ['--threshold=100', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const sums = { total: 0, compiler: 0, gc: 0, rest: 0 };
  for (const line of text.split('\n')) {
    const m = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ir = Number(m[1].replaceAll(',', ''));
    if (m[2].startsWith('PROGRAM TOTALS')) {
      sums.total = ir;
      continue;
    }
    if (!m[2].includes('Json') && COMPILER.test(m[2])) sums.compiler += ir;
    else if (GC.test(m[2])) sums.gc += ir;
    else sums.rest += ir;
  }
  return sums;
}

const mir = (ir) => (ir / count / 1e6).toFixed(3);
try {
  const web = await startWithRetries('webserver', ['server', 'webserver'], /"msg":"schedules: \d+ active"/);
  const listening = web.output.split('\n').find((line) => line.includes('"msg":"listening on '));
  const url = `${JSON.parse(listening).url}/api/v1/main/executions/webhook/company.team/${mode === 'wait' ? 'trigger_wait' : 'trigger'}/${WEBHOOK_KEY}`;
  const processes = [web.child];
  if (mode === 'wait') processes.push((await startWithRetries('worker', ['worker'], /worker consuming executions/)).child);
  const body = webhookBody();
  const warmupFailed = await send(url, body, warmup);
  for (const child of processes) control(child.pid, '-i', 'on');
  const settleFailed = await send(url, body, 100);
  for (const child of processes) control(child.pid, '-z');
  const failed = await send(url, body, count);
  for (const child of processes) control(child.pid, '-d');
  const parts = [];
  for (const file of readdirSync(outDir).filter((f) => f.endsWith('.out.1')).sort()) {
    const s = split(join(outDir, file));
    parts.push(`${file.split('.')[0]} ${mir(s.total)} (compilers ${mir(s.compiler)}, GC ${mir(s.gc)}, rest ${mir(s.rest)})`);
  }
  process.stdout.write(`${checkout} ${mode}, ${count} requests: ${parts.join('; ')} million instructions per request; not 200: ${failed} measured, ${warmupFailed + settleFailed} before\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exitCode = 1;
} finally {
  for (const child of children) killGroup(child);
  agent.destroy();
  await deletePrefix(prefix).catch(() => undefined);
  rmSync(tmpDir, { recursive: true, force: true });
  if (process.env.INSTRUCTIONS_KEEP) execFileSync('cp', ['-r', outDir, resolve(process.env.INSTRUCTIONS_KEEP)]);
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(process.exitCode ?? 0);
