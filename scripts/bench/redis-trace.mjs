#!/usr/bin/env node
// Lists the Redis commands one request costs, per connection: one webhook to the seed flow
// (`wait: true` copy with --wait) through a Sluice webserver + worker, then the same through the
// Koa + BullMQ baseline, read with MONITOR and filtered by each stack's unique key prefix.
// MONITOR slows Redis for everyone while it runs, so this sends a handful of requests, no load.
// Each connection's line gives its commands and the bytes of their arguments (what was sent).
//   pnpm build && node scripts/bench/redis-trace.mjs [--wait] [--verbose]
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { seedFlowsFolder } from './lib/flows.mjs';
import { closeAgent, request } from './lib/http.mjs';
import { killAll } from './lib/processes.mjs';
import { redisClient } from './lib/redis.mjs';
import { startBaseline, startSluiceBullmq, webhookBody } from './lib/stacks.mjs';

const wait = process.argv.includes('--wait');
const verbose = process.argv.includes('--verbose');
const { tmpDir, flowsDir } = seedFlowsFolder('trace');
const ctx = { config: { concurrency: 50, pollMs: 50 }, tmpDir, flowsDir, progress: () => undefined };
const body = webhookBody();
const bound = setTimeout(() => { process.stderr.write('redis-trace: 60 s bound reached\n'); killAll(); process.exit(1); }, 60_000);

async function trace(stack) {
  const spec = wait ? stack.wait : stack.ingest;
  // Twice before tracing: the first request of a process opens connections and loads scripts.
  for (let i = 0; i < 2; i++) await request(spec.url, { method: 'POST', headers: spec.headers, body });
  await sleep(1000);
  const client = redisClient();
  const monitor = await client.monitor();
  const lines = [];
  monitor.on('monitor', (_time, args, source, database) => {
    if (args.some((a) => String(a).includes(`${stack.prefix}:`))) lines.push({ source, database, args: args.map(String) });
  });
  await sleep(200);
  const res = await request(spec.url, { method: 'POST', headers: spec.headers, body });
  await sleep(1500);
  monitor.disconnect();
  client.disconnect();
  // Blocking reads and periodic checks (stalled jobs, lock renewals) are not the request's.
  const own = lines.filter((l) => !/^(bzpopmin|brpoplpush|xread)$/i.test(l.args[0]));
  // MONITOR prints a script's own calls ('lua') right after the EVALSHA that ran it.
  const byConnection = new Map();
  let last = 'lua';
  for (const l of own) {
    if (l.source !== 'lua') last = l.source;
    const entry = byConnection.get(last) ?? { commands: [], luaCalls: 0, bytes: 0 };
    if (l.source === 'lua') entry.luaCalls++;
    else {
      entry.commands.push(l.args[0].toUpperCase());
      // What the client sent: the arguments' bytes (MONITOR shows bytes past ASCII as 4-character escapes).
      entry.bytes += l.args.reduce((sum, a) => sum + Buffer.byteLength(a.replace(/\\x[0-9a-f]{2}/g, '.')), 0);
    }
    byConnection.set(last, entry);
  }
  process.stdout.write(`\n${stack.label}, one ${wait ? 'wait: true ' : ''}request (answered ${res.status}):\n`);
  for (const [source, { commands, luaCalls, bytes }] of byConnection) {
    process.stdout.write(`  connection ${source}: ${commands.length} commands (${commands.join(' ')}), ${luaCalls} calls inside Lua scripts, ${bytes} bytes of arguments\n`);
  }
  if (verbose) for (const l of own) process.stdout.write(`    ${l.source} ${l.args.slice(0, 3).map((a) => a.slice(0, 60)).join(' ')}\n`);
}

try {
  for (const start of [() => startSluiceBullmq(ctx, 'trace', { worker: true }), () => startBaseline(ctx, 'trace', { worker: true })]) {
    const stack = await start();
    try {
      await trace(stack);
    } finally {
      await stack.stop();
    }
  }
} finally {
  clearTimeout(bound);
  closeAgent();
  rmSync(tmpDir, { recursive: true, force: true });
}
