import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueConsumer, Runtime } from '@sluice/engine';
import { newId } from '@sluice/engine';
import { createBullmqRuntime, createKeys } from './index.js';

/**
 * Runs against the real Redis on 127.0.0.1:6379, under a prefix of its own whose keys are deleted
 * at the end (never FLUSH*).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `sluice-test-${randomBytes(4).toString('hex')}-consumer-writes`;

type Writable = { _write: (chunk: unknown, ...rest: unknown[]) => void; _writev: (chunks: { chunk: unknown }[], ...rest: unknown[]) => void };

/** Records the text of every write that reaches `client`'s socket (one per system call). */
function recordSocketWrites(client: Redis): string[] {
  const socket = client.stream as unknown as Writable;
  const writes: string[] = [];
  const write = socket._write.bind(socket);
  const writev = socket._writev.bind(socket);
  socket._write = (chunk, ...rest) => {
    writes.push(String(chunk));
    write(chunk, ...rest);
  };
  socket._writev = (chunks, ...rest) => {
    writes.push(chunks.map(({ chunk }) => String(chunk)).join(''));
    writev(chunks, ...rest);
  };
  return writes;
}

const opened: Runtime[] = [];
const consumers: QueueConsumer[] = [];
afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.close(0)));
  await Promise.all(opened.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  for await (const batch of admin.scanStream({ match: `${PREFIX}:*`, count: 500 })) {
    const keys = batch as string[];
    if (keys.length > 0) await admin.unlink(...keys);
  }
  await admin.quit();
});

describe('queue consumer connection', () => {
  it("sends a job's lease release in the same socket write as BullMQ's completion of the job, not in one of its own", async () => {
    const rt = await createBullmqRuntime({ redisUrl: REDIS_URL, prefix: PREFIX });
    opened.push(rt);
    const id = newId();
    const ran: string[] = [];
    const consumer = rt.queue.consume(async (executionId) => void ran.push(executionId), { concurrency: 1 });
    consumers.push(consumer);
    // The consumer's own connection (BullMQ's blocking fetch runs on a copy of it).
    const client = (consumer as unknown as { client: Redis }).client;
    await vi.waitFor(() => expect(client.status).toBe('ready'), { timeout: 5000, interval: 10 });
    const writes = recordSocketWrites(client);
    await rt.queue.enqueue(id);
    await vi.waitFor(() => expect(ran).toEqual([id]), { timeout: 5000, interval: 10 });
    const keys = createKeys(PREFIX);
    // The release is the only command naming the waiters' key; the completion names the completed set.
    await vi.waitFor(() => expect(writes.some((w) => w.includes(keys.executionLeaseWaiters(id)))).toBe(true), { timeout: 5000, interval: 10 });
    const release = writes.find((w) => w.includes(keys.executionLeaseWaiters(id)));
    expect(release).toContain(`${PREFIX}:{executions}:completed`);
  });
});
