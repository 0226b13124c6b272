#!/usr/bin/env node
// The baseline's worker: a no-op BullMQ Worker (concurrency 50 by default) in its own process.
// It tells its parent how many jobs completed and when the last one did (hrtime, the same
// monotonic clock in every process of the machine), every 20 ms while that changes.
// Env: REDIS_URL, BASELINE_PREFIX, BASELINE_QUEUE, BASELINE_CONCURRENCY. Forked with IPC.
import { setInterval } from 'node:timers';
import { loadBullmq, loadIORedis } from '../lib/modules.mjs';

const { Worker } = loadBullmq();
const IORedis = loadIORedis();

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BASELINE_PREFIX ?? 'bench-baseline';
const queueName = process.env.BASELINE_QUEUE ?? 'hooks';
const concurrency = Number(process.env.BASELINE_CONCURRENCY ?? 50);

const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
let completed = 0;
let failed = 0;
let lastNs = 0n;
const worker = new Worker(queueName, async () => undefined, {
  connection,
  prefix,
  concurrency,
  removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
  removeOnFail: { count: 10_000, age: 7 * 24 * 3600 },
});
worker.on('completed', () => {
  completed++;
  lastNs = process.hrtime.bigint();
});
worker.on('failed', () => failed++);
worker.on('error', () => undefined);

let reported = -1;
const report = () => {
  if (completed + failed === reported) return;
  reported = completed + failed;
  process.send?.({ completed, failed, lastNs: String(lastNs) });
};
setInterval(report, 20).unref();

await worker.waitUntilReady();
process.send?.({ ready: true });

const stop = async () => {
  await Promise.race([worker.close(true), new Promise((r) => setTimeout(r, 1000))]);
  connection.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.on('disconnect', () => process.exit(0));
