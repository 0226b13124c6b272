#!/usr/bin/env node
// The baseline endpoint: a bare Koa app (the workspace's Koa) with one route that reads the JSON
// body and calls BullMQ's queue.add, with the same retention options Sluice gives its jobs, so
// the ratio isolates what Sluice adds (persisting the execution, flow lookup, trigger, JSON).
//   POST /hook        queue.add, then 200 { id }
//   POST /hook?wait=1 queue.add, then job.waitUntilFinished (QueueEvents), then 200 { id, state }
// Env: REDIS_URL, BASELINE_PREFIX, BASELINE_QUEUE. Forked with IPC: sends { ready, url }.
import { createServer } from 'node:http';
import { loadBullmq, loadIORedis, loadKoa } from '../lib/modules.mjs';

const Koa = loadKoa();
const { Queue, QueueEvents } = loadBullmq();
const IORedis = loadIORedis();

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.BASELINE_PREFIX ?? 'bench-baseline';
const queueName = process.env.BASELINE_QUEUE ?? 'hooks';
export const JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000, age: 7 * 24 * 3600 },
  removeOnFail: { count: 10_000, age: 7 * 24 * 3600 },
};

const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
const queue = new Queue(queueName, { connection, prefix, defaultJobOptions: JOB_OPTIONS });
// Created on the first wait=1 request, so plain ingestion pays nothing for it; every waiter
// awaits the same promise, so none listens before the reader is up.
let events;

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.method !== 'POST' || ctx.path !== '/hook') {
    ctx.status = 404;
    return;
  }
  const body = JSON.parse((await readBody(ctx.req)).toString('utf8'));
  const wait = ctx.query.wait === '1';
  if (wait) {
    events ??= (async () => {
      const reader = new QueueEvents(queueName, { connection: new IORedis(redisUrl, { maxRetriesPerRequest: null }), prefix });
      await reader.waitUntilReady();
      return reader;
    })();
  }
  // The reader is up before the job exists: the first waits of a run (the warm-up) otherwise
  // raced its start and timed out now and then (500s in the warm-up, never in a measured round).
  const reader = wait ? await events : undefined;
  const job = await queue.add('hook', { body });
  if (!wait) {
    ctx.body = { id: job.id };
    return;
  }
  try {
    await job.waitUntilFinished(reader, 10_000);
  } catch (error) {
    process.stderr.write(`wait failed: ${error?.message}\n`);
    throw error;
  }
  ctx.body = { id: job.id, state: 'completed' };
});

const server = createServer(app.callback());
await queue.waitUntilReady();
server.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  process.send?.({ ready: true, url });
});

const stop = async () => {
  server.close();
  server.closeAllConnections();
  await Promise.allSettled([queue.close(), events?.then((reader) => reader.close())]);
  connection.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.on('disconnect', () => process.exit(0));
