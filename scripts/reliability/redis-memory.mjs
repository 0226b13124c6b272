#!/usr/bin/env node
// Issue 5, item 13: what Redis holds across 100,000 executions with the default retention.
// A redis-server of its own on 127.0.0.1 (no persistence), one webserver and one worker of the
// built server, the seed flow (one Log task) called through its webhook; Redis' memory and key
// counts sampled every tenth of the run and once the queue has drained. A measurement, not a
// test: it prints what it saw and asserts nothing (exit 0 unless it fails to run).
//
//   pnpm build && node scripts/reliability/redis-memory.mjs [executions, default 100000]
import { execFileSync } from 'node:child_process';
import { budget, createFlow, request, startRedis, startSluice } from './lib.mjs';

const COUNT = Math.min(1_000_000, Math.max(1000, Number(process.argv[2] ?? 100_000)));
const PARALLEL = 64;
const PREFIX = 'measure';
budget(30 * 60_000, 'redis-memory');

const redis = await startRedis();
const cli = (...args) => execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(redis.port), ...args], { encoding: 'utf8' }).trim();
const info = () => Object.fromEntries(cli('INFO', 'memory').split('\n').filter((l) => l.includes(':')).map((l) => l.trim().split(':')));
const queueKey = (name) => `${PREFIX}:{executions}:${name}`;

/** What Redis holds right now. */
function sample(label, acknowledged) {
  const memory = info();
  return {
    label,
    acknowledged,
    usedMb: Number(memory.used_memory) / 1048576,
    rssMb: Number(memory.used_memory_rss) / 1048576,
    keys: Number(cli('DBSIZE')),
    indexed: Number(cli('ZCARD', `${PREFIX}:executions:{main}:created`)),
    waiting: Number(cli('LLEN', queueKey('wait'))),
    active: Number(cli('LLEN', queueKey('active'))),
    completedJobs: Number(cli('ZCARD', queueKey('completed'))),
    failedJobs: Number(cli('ZCARD', queueKey('failed'))),
  };
}

const env = { REDIS_URL: redis.url, SLUICE_REDIS_PREFIX: PREFIX, SLUICE_WORKER_CONCURRENCY: '50' };
const web = await startSluice('webserver', env);
await startSluice('worker', env);
await createFlow(web.url, 'id: trigger\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n    message: "Hello World! 🚀"\ntriggers:\n  - id: webhook\n    type: io.kestra.plugin.core.trigger.Webhook\n    key: 4wjtkzwVGBM9yKnjm3yv8r\n');
const url = `${web.url}/api/v1/main/executions/webhook/company.team/trigger/4wjtkzwVGBM9yKnjm3yv8r`;

const samples = [sample('empty (flow saved)', 0)];
const started = Date.now();
let sent = 0;
let acknowledged = 0;
let refused = 0;
let next = COUNT / 10;
await Promise.all(Array.from({ length: PARALLEL }, async () => {
  while (sent < COUNT) {
    sent++;
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    if (res.status === 200) acknowledged++;
    else refused++;
    if (acknowledged >= next) {
      next += COUNT / 10;
      samples.push(sample(`${acknowledged} acknowledged`, acknowledged));
    }
  }
}));
const ingestSeconds = (Date.now() - started) / 1000;
// Then until the worker has run them all.
for (;;) {
  const now = sample('', acknowledged);
  if (now.waiting === 0 && now.active === 0) break;
  await new Promise((r) => setTimeout(r, 1000));
}
const drainedSeconds = (Date.now() - started) / 1000;
samples.push(sample('drained', acknowledged));

const perKey = {};
let cursor = '0';
do {
  const [nextCursor, ...keys] = cli('SCAN', cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', '5000').split('\n');
  cursor = nextCursor;
  for (const key of keys.filter(Boolean)) {
    const kind = key.replace(/\{[^}]*\}/g, '{…}').replace(/:[^:{}]*$/, (tail) => (/^:(wait|active|completed|failed|meta|events|id|marker|stalled-check|delayed|prioritized|paused|pc|de|limiter|logs|created)$/.test(tail) ? tail : ''));
    perKey[kind] = (perKey[kind] ?? 0) + 1;
  }
} while (cursor !== '0');

const mb = (n) => `${n.toFixed(1)} MB`;
console.log(`redis memory: ${acknowledged} executions acknowledged (${refused} refused) in ${ingestSeconds.toFixed(0)} s, all run after ${drainedSeconds.toFixed(0)} s; one webserver, one worker (concurrency 50), default retention; redis-server ${cli('INFO', 'server').match(/redis_version:(\S+)/)?.[1]}, ${process.version}`);
console.log('');
console.log('when                       used       rss        keys   executions indexed  waiting  active  completed jobs  failed jobs');
for (const s of samples) {
  console.log(`${s.label.padEnd(26)}${mb(s.usedMb).padStart(9)}${mb(s.rssMb).padStart(11)}${String(s.keys).padStart(10)}${String(s.indexed).padStart(20)}${String(s.waiting).padStart(9)}${String(s.active).padStart(8)}${String(s.completedJobs).padStart(16)}${String(s.failedJobs).padStart(13)}`);
}
const first = samples[0];
const last = samples.at(-1);
const perExecution = ((last.usedMb - first.usedMb) * 1048576) / acknowledged;
console.log('');
console.log('keys by kind once drained:');
for (const [kind, n] of Object.entries(perKey).sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(9)}  ${kind}`);
console.log('');
console.log(`per execution: ${perExecution.toFixed(0)} bytes of Redis memory (execution JSON, its log list, its index entries), kept for the retention of 7 days`);
console.log(`BullMQ's own sets stay bounded: ${last.completedJobs} completed jobs kept (the default keeps 1,000), ${last.failedJobs} failed`);
for (const rate of [1, 10, 100]) {
  console.log(`  at a steady ${rate} execution(s)/s, 7 days of retention hold ${(rate * 7 * 86400).toLocaleString('en')} executions: about ${mb((rate * 7 * 86400 * perExecution) / 1048576)}`);
}
process.exit(0);
