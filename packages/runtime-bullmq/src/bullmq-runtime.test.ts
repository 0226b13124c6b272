import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { isSluiceError } from '@sluice/core';
import type { Execution, ExecutionEvent, QueueConsumer, Runtime } from '@sluice/engine';
import { newId, withState } from '@sluice/engine';
import { aFlowToSave, aLogEntry, anExecution, describeRuntimeContract } from '@sluice/runtime-contract';
import { monitorRedis } from '../test/redis-monitor.js';
import { createBullmqRuntime, createKeys, type BullmqRuntimeOptions } from './index.js';

/**
 * Runs against the real Redis on 127.0.0.1:6379, shared with other work: every runtime here uses
 * a prefix of its own, and every key under those prefixes is deleted at the end (never FLUSH*).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `sluice-test-${randomBytes(4).toString('hex')}`;
const prefixes = new Set<string>();

/** A prefix for this test run, recorded for the cleanup. */
function testPrefix(name: string): string {
  const prefix = `${RUN}-${name}`;
  prefixes.add(prefix);
  return prefix;
}

/** Short locks so stalled-job recovery happens in a test's time rather than BullMQ's 30 s. */
const FAST_QUEUE = { lockDurationMs: 1000, stalledIntervalMs: 200, backoffMs: 100 } as const;

async function deleteKeys(prefix: string): Promise<number> {
  const admin = new Redis(REDIS_URL);
  let deleted = 0;
  try {
    for await (const batch of admin.scanStream({ match: `${prefix}:*`, count: 500 })) {
      const keys = batch as string[];
      if (keys.length > 0) deleted += await admin.unlink(...keys);
    }
  } finally {
    await admin.quit();
  }
  return deleted;
}

afterAll(async () => {
  for (const prefix of prefixes) await deleteKeys(prefix);
});

const contractPrefix = testPrefix('contract');
describeRuntimeContract('bullmq', () => createBullmqRuntime({ redisUrl: REDIS_URL, prefix: contractPrefix, queue: FAST_QUEUE }), {
  sharedStore: true,
});

describe('bullmq runtime', () => {
  const opened: Runtime[] = [];
  const consumers: QueueConsumer[] = [];
  let admin: Redis | undefined;

  async function runtime(options: Partial<BullmqRuntimeOptions> & { prefix: string }): Promise<Runtime> {
    const created = await createBullmqRuntime({ redisUrl: REDIS_URL, ...options });
    opened.push(created);
    return created;
  }

  function redis(): Redis {
    admin ??= new Redis(REDIS_URL);
    return admin;
  }

  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.close(0)));
    await Promise.all(opened.splice(0).map((r) => r.close()));
  });

  afterAll(async () => {
    await admin?.quit();
  });

  it('gives a kills-only subscription (a worker) the KILLING events alone, from a save or a publish on another instance', async () => {
    const prefix = testPrefix('kill-channel');
    const [worker, api] = [await runtime({ prefix }), await runtime({ prefix })];
    const execution = anExecution();
    await api.executions.create(execution);
    const heard: string[] = [];
    const all: string[] = [];
    const stopKills = await worker.events.subscribe(execution.id, (event) => heard.push(event.state), { killsOnly: true });
    const stopAll = await api.events.subscribe(execution.id, (event) => all.push(event.state));
    const running = { ...execution, state: withState(execution.state, 'RUNNING') };
    await api.executions.save(running, { announce: [{ executionId: execution.id, state: 'RUNNING', terminated: false }] });
    const killing = { ...running, state: withState(running.state, 'KILLING') };
    await api.executions.save(killing, { expected: running, announce: [{ executionId: execution.id, state: 'KILLING', terminated: false }] });
    await api.events.publish({ executionId: execution.id, state: 'KILLING', terminated: false });
    await api.executions.save({ ...killing, state: withState(killing.state, 'KILLED') }, { announce: [{ executionId: execution.id, state: 'KILLED', terminated: true }] });
    await vi.waitFor(() => expect(all).toEqual(['RUNNING', 'KILLING', 'KILLING', 'KILLED']));
    // Heard after the subscriber of every event heard the last one: same connection order.
    await vi.waitFor(() => expect(heard).toEqual(['KILLING', 'KILLING']));
    await stopKills();
    await stopAll();
  });

  it('redelivers to another consumer a job whose worker closed mid-run (stalled-job recovery)', async () => {
    const prefix = testPrefix('stalled');
    const first = await runtime({ prefix, queue: FAST_QUEUE });
    const second = await runtime({ prefix, queue: FAST_QUEUE });
    const id = newId();
    const never = new Promise<void>(() => undefined);
    const firstCalls: string[] = [];
    const secondCalls: string[] = [];
    // The first handler ignores its signal: nothing hands the job back, only the expired lock can.
    const consumer = first.queue.consume(
      async (executionId) => {
        firstCalls.push(executionId);
        await never;
      },
      { concurrency: 1 },
    );
    consumers.push(consumer);
    await first.queue.enqueue(id);
    await vi.waitFor(() => expect(firstCalls).toEqual([id]), { timeout: 5000, interval: 20 });
    await consumer.close(0);
    expect((await second.queue.counts()).active).toBe(1);

    const started = Date.now();
    consumers.push(second.queue.consume(async (executionId) => void secondCalls.push(executionId), { concurrency: 1 }));
    await vi.waitFor(() => expect(secondCalls).toEqual([id]), { timeout: 8000, interval: 20 });
    // Not before the lock of the dead worker expired.
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST_QUEUE.lockDurationMs - 300);
    await vi.waitFor(async () => expect(await second.queue.counts()).toMatchObject({ active: 0, completed: 1 }), { timeout: 3000 });
    expect(firstCalls).toEqual([id]);
  });

  it('hands the job of an aborted handler back at once, without waiting for its lock to expire', async () => {
    const prefix = testPrefix('handback');
    // BullMQ's default 30 s lock: a redelivery within seconds can only come from the hand-back.
    const rt = await runtime({ prefix });
    const id = newId();
    const firstCalls: string[] = [];
    const secondCalls: string[] = [];
    const consumer = rt.queue.consume(
      (executionId, signal) =>
        new Promise<void>((_, reject) => {
          firstCalls.push(executionId);
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
      { concurrency: 1 },
    );
    consumers.push(consumer);
    await rt.queue.enqueue(id);
    await vi.waitFor(() => expect(firstCalls).toEqual([id]), { timeout: 5000, interval: 20 });
    await consumer.close(0);
    expect(await rt.queue.counts()).toMatchObject({ waiting: 1, active: 0, failed: 0 });
    consumers.push(rt.queue.consume(async (executionId) => void secondCalls.push(executionId), { concurrency: 1 }));
    await vi.waitFor(() => expect(secondCalls).toEqual([id]), { timeout: 3000, interval: 20 });
  });

  it('hands an execution to its job that waited for the lease as the holder ends, long before the fallback delay, and leaves no lease key', async () => {
    const prefix = testPrefix('lease-handoff');
    // BullMQ's default 30 s lock, so also the waiter's fallback delay: a run within seconds of the
    // release can only come from the holder promoting it.
    const [a, b] = [await runtime({ prefix }), await runtime({ prefix })];
    const id = newId();
    let letGo!: () => void;
    const hold = new Promise<void>((resolve) => (letGo = resolve));
    const log: string[] = [];
    const handler = async (executionId: string): Promise<void> => {
      if (executionId !== id) return;
      const n = log.filter((entry) => entry.startsWith('start')).length + 1;
      log.push(`start ${n}`);
      if (n === 1) await hold;
      log.push(`end ${n}`);
    };
    consumers.push(a.queue.consume(handler, { concurrency: 1 }), b.queue.consume(handler, { concurrency: 1 }));
    await a.queue.enqueue(id);
    await vi.waitFor(() => expect(log).toEqual(['start 1']), { timeout: 5000, interval: 20 });
    await b.queue.enqueue(id, { at: new Date() });
    const keys = createKeys(prefix);
    // The wake job was fetched, found the lease held, and waits for it (delayed, recorded).
    await vi.waitFor(async () => expect(await redis().exists(keys.executionLeaseWaiters(id))).toBe(1), { timeout: 5000, interval: 20 });
    expect(log).toEqual(['start 1']);
    letGo();
    await vi.waitFor(() => expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']), { timeout: 5000, interval: 20 });
    await vi.waitFor(async () => {
      expect(await redis().exists(keys.executionLease(id), keys.executionLeaseWaiters(id))).toBe(0);
    }, { timeout: 3000, interval: 20 });
    expect(await a.queue.counts()).toMatchObject({ active: 0, failed: 0 });
  });

  it('a holder that died lets go of the execution within the lock duration: its other jobs run then, one at a time', async () => {
    const prefix = testPrefix('lease-dead');
    const [a, b] = [await runtime({ prefix, queue: FAST_QUEUE }), await runtime({ prefix, queue: FAST_QUEUE })];
    const id = newId();
    const never = new Promise<void>(() => undefined);
    const aCalls: string[] = [];
    const bRuns: number[] = [];
    let running = 0;
    let peak = 0;
    // The holder ignores its signal: a forced close leaves its job locked and its lease taken,
    // renewed by nobody, as when its process is killed.
    const holder = a.queue.consume(async (executionId) => {
      if (executionId !== id) return;
      aCalls.push(executionId);
      await never;
    }, { concurrency: 1 });
    consumers.push(holder);
    await a.queue.enqueue(id);
    await vi.waitFor(() => expect(aCalls).toEqual([id]), { timeout: 5000, interval: 20 });
    await holder.close(0);
    const closedAt = Date.now();
    consumers.push(b.queue.consume(async (executionId) => {
      if (executionId !== id) return;
      running++;
      peak = Math.max(peak, running);
      bRuns.push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 50));
      running--;
    }, { concurrency: 2 }));
    await b.queue.enqueue(id, { at: new Date() });
    // Both the wake job and the dead holder's own job (recovered once its lock expired) run.
    await vi.waitFor(() => expect(bRuns).toHaveLength(2), { timeout: 8000, interval: 20 });
    // Not while the dead holder's lease lived: renewed every half lock, it had at least that left.
    expect(bRuns[0]! - closedAt).toBeGreaterThanOrEqual(FAST_QUEUE.lockDurationMs / 2 - 100);
    expect(peak).toBe(1);
    expect(aCalls).toEqual([id]);
  });

  it('a job whose lease Redis refuses to take fails to its attempts and runs on a retry, not lost', async () => {
    const prefix = testPrefix('lease-refused');
    const errors: string[] = [];
    const rt = await runtime({ prefix, queue: { ...FAST_QUEUE, attempts: 5, backoffMs: 300 }, onError: (_error, context) => void errors.push(context) });
    const id = newId();
    const keys = createKeys(prefix);
    // A key of the wrong type: the take script's GET is refused (WRONGTYPE), a reply error.
    await redis().hset(keys.executionLease(id), 'not', 'a lease');
    const calls: string[] = [];
    consumers.push(rt.queue.consume(async (executionId) => void calls.push(executionId), { concurrency: 1 }));
    await rt.queue.enqueue(id);
    await vi.waitFor(() => expect(errors).toContain(`execution ${id}: handler failed`), { timeout: 5000, interval: 20 });
    expect(calls).toEqual([]);
    await redis().del(keys.executionLease(id));
    await vi.waitFor(() => expect(calls).toEqual([id]), { timeout: 5000, interval: 20 });
  });

  it('queues jobs named execution, id = execution id, data { executionId } only', async () => {
    const prefix = testPrefix('jobs');
    const rt = await runtime({ prefix });
    const id = newId();
    await rt.queue.enqueue(id);
    await rt.queue.enqueue(id);
    const keys = createKeys(prefix);
    const job = await redis().hgetall(`${prefix}:${keys.queueName}:${id}`);
    expect(job.name).toBe('execution');
    expect(JSON.parse(job.data ?? 'null')).toEqual({ executionId: id });
    expect(await rt.queue.counts()).toEqual({ waiting: 1, active: 0, completed: 0, failed: 0 });
    await expect(rt.queue.enqueue('a:b')).rejects.toThrow(TypeError);
  });

  /** Saves a carried execution RUNNING on the condition that the store still holds it, as the executor's first save does: what came of it. */
  async function startCarried(rt: Runtime, queued: Execution | undefined): Promise<string> {
    if (!queued) return 'not carried';
    return rt.executions.save({ ...queued, state: withState(queued.state, 'RUNNING') }, { expected: queued }).then(
      () => 'saved',
      (error: unknown) => (isSluiceError(error) ? error.code : String(error)),
    );
  }

  it('a submitted job carries the execution up to 16 KiB of JSON, handed to the handler as stored; a larger one is read', async () => {
    const prefix = testPrefix('job-carries');
    const rt = await runtime({ prefix, queue: FAST_QUEUE });
    const keys = createKeys(prefix);
    const small = anExecution({ inputs: { note: 'x'.repeat(1000) } });
    const large = anExecution({ inputs: { note: 'x'.repeat(16 * 1024) } });
    await rt.submit(small);
    await rt.submit(large);
    const dataOf = async (id: string) => JSON.parse((await redis().hget(`${prefix}:${keys.queueName}:${id}`, 'data')) ?? 'null') as unknown;
    // The carried text is the stored text to the byte, which the executor's conditional save compares.
    const raw = (await redis().hget(`${prefix}:${keys.queueName}:${small.id}`, 'data')) ?? '';
    // A new execution has no task runs: its stored head is its whole JSON.
    expect(raw).toBe(`{"executionId":"${small.id}","execution":${(await redis().hget(keys.execution(small.id), 'h')) ?? 'none'}}`);
    expect(await dataOf(small.id)).toEqual({ executionId: small.id, execution: small });
    expect(await dataOf(large.id)).toEqual({ executionId: large.id });
    const handed = new Map<string, unknown>();
    consumers.push(rt.queue.consume(async (executionId, _signal, queued) => void handed.set(executionId, queued), { concurrency: 2 }));
    await vi.waitFor(() => expect(handed.size).toBe(2), { timeout: 3000, interval: 20 });
    expect(handed.get(small.id)).toEqual(small);
    expect(handed.get(large.id)).toBeUndefined();

    // carryMaxChars 0: jobs hold the id alone, for a queue dashboard that must not show executions.
    const bare = await runtime({ prefix: testPrefix('job-bare'), queue: { ...FAST_QUEUE, carryMaxChars: 0 } });
    const plain = anExecution();
    await bare.submit(plain);
    expect(JSON.parse((await redis().hget(`${testPrefix('job-bare')}:${keys.queueName}:${plain.id}`, 'data')) ?? 'null')).toEqual({ executionId: plain.id });
  });

  it('compares a conditional save with the carried text as the job holds it, not with the execution serialized again', async () => {
    const prefix = testPrefix('job-text');
    const rt = await runtime({ prefix, queue: FAST_QUEUE });
    const keys = createKeys(prefix);
    // Stored and queued as text that JSON.stringify would not give back (indented): only the
    // text cut from the job matches the stored one.
    const execution = anExecution();
    const text = JSON.stringify(execution, null, 2);
    await rt.ping();
    await redis().set(keys.execution(execution.id), text);
    const queue = rt.queue as unknown as { enqueueAfter(id: string, first: () => Promise<void>, json?: string): Promise<void> };
    await queue.enqueueAfter(execution.id, async () => undefined, text);
    const outcomes = new Map<string, string>();
    consumers.push(rt.queue.consume(async (id, _signal, queued) => void outcomes.set(id, await startCarried(rt, queued)), { concurrency: 1 }));
    await vi.waitFor(() => expect(outcomes.size).toBe(1), { timeout: 3000, interval: 20 });
    expect(outcomes.get(execution.id)).toBe('saved');
    expect((await rt.executions.get(execution.id))?.state.current).toBe('RUNNING');
  });

  it('a save conditional on the carried execution is stored while the store holds it, and refused once it moved on', async () => {
    const prefix = testPrefix('job-cas');
    const rt = await runtime({ prefix, queue: FAST_QUEUE });
    const [kept, cancelled] = [anExecution(), anExecution()];
    await rt.submit(kept);
    await rt.submit(cancelled);
    const stored = { ...cancelled, state: withState(cancelled.state, 'CANCELLED') };
    await rt.executions.save(stored);
    const outcomes = new Map<string, string>();
    consumers.push(rt.queue.consume(async (id, _signal, queued) => void outcomes.set(id, await startCarried(rt, queued)), { concurrency: 2 }));
    await vi.waitFor(() => expect(outcomes.size).toBe(2), { timeout: 3000, interval: 20 });
    expect(outcomes.get(kept.id)).toBe('saved');
    expect((await rt.executions.get(kept.id))?.state.current).toBe('RUNNING');
    expect(outcomes.get(cancelled.id)).toBe('RUNTIME_EXECUTION_CHANGED');
    expect(await rt.executions.get(cancelled.id)).toEqual(stored);
  });

  it('calls made while the first connection is set up share one wait (no listener pile-up)', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const rt = await runtime({ prefix: testPrefix('connecting') });
      const found = await Promise.all(Array.from({ length: 200 }, () => rt.executions.get(newId())));
      expect(found.every((e) => e === undefined)).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('submit sends the execution to Redis before the job that points at it', async () => {
    const prefix = testPrefix('submit');
    const rt = await runtime({ prefix });
    await rt.ping();
    const keys = createKeys(prefix);
    const monitor = await monitorRedis(REDIS_URL);
    const ours = (): (readonly string[])[] => monitor.commands.filter((args) => args.some((arg) => arg.startsWith(`${prefix}:`)));
    try {
      for (let i = 0; i < 5; i++) {
        monitor.clear();
        const execution = anExecution();
        await rt.submit(execution);
        await vi.waitFor(() => expect(ours().some((args) => args.includes(`${prefix}:${keys.queueName}:${execution.id}`))).toBe(true));
        const seen = ours();
        // The create: a new execution's head, written if the key is free.
        const stored = seen.findIndex((args) => args[0]?.toLowerCase() === 'hsetnx' && args[1] === keys.execution(execution.id));
        const queued = seen.findIndex((args) => args.includes(`${prefix}:${keys.queueName}:${execution.id}`));
        expect(stored).toBeGreaterThanOrEqual(0);
        expect(stored).toBeLessThan(queued);
      }
    } finally {
      monitor.close();
    }
  });

  it('sends a saved execution along with its terminal event up to 64 KB of JSON, and the event alone past it', async () => {
    const prefix = testPrefix('carried');
    const rt = await runtime({ prefix, retention: { executionsTtlSeconds: 60 } });
    for (const [size, carried] of [[1000, true], [70 * 1024, false]] as const) {
      const created = anExecution({ inputs: { pad: 'x'.repeat(size) } });
      await rt.executions.create(created);
      const ended = { ...created, state: withState(withState(created.state, 'RUNNING'), 'SUCCESS') };
      const seen: ExecutionEvent[] = [];
      await rt.events.subscribe(created.id, (e) => seen.push(e));
      await rt.executions.save(ended, { announce: [{ executionId: created.id, state: 'RUNNING', terminated: false }, { executionId: created.id, state: 'SUCCESS', terminated: true }] });
      await vi.waitFor(() => expect(seen).toHaveLength(2));
      expect(seen.map((e) => [e.state, e.execution !== undefined])).toEqual([['RUNNING', false], ['SUCCESS', carried]]);
      if (carried) expect(seen[1]!.execution).toEqual(ended);
      // The script stores the execution with the retention's expiry, as a plain save does.
      expect(await redis().ttl(createKeys(prefix).execution(created.id))).toBeGreaterThan(50);
    }
  });

  it('appends thousands of log lines in one call, in order, keeping the newest and the expiry', async () => {
    const prefix = testPrefix('many-logs');
    const rt = await runtime({ prefix, retention: { logsPerExecution: 10_000, executionsTtlSeconds: 60 } });
    const execution = anExecution();
    await rt.logs.append(Array.from({ length: 12_345 }, (_, n) => aLogEntry(execution.id, { message: String(n) })));
    const messages = (await rt.logs.list(execution.id)).map((e) => e.message);
    expect(messages).toHaveLength(10_000);
    expect(messages[0]).toBe('2345');
    expect(messages.at(-1)).toBe('12344');
    expect(messages.every((m, i) => m === String(2345 + i))).toBe(true);
    expect(await redis().ttl(createKeys(prefix).executionLogs(execution.id))).toBeGreaterThan(50);
  });

  it('stores log lines past ASCII as ASCII JSON of the same entries, through a save and an append; ASCII ones as they are', async () => {
    const prefix = testPrefix('utf8-logs');
    const rt = await runtime({ prefix });
    const execution = anExecution();
    await rt.executions.create(execution);
    // Past Latin-1, Latin-1 past ASCII, ASCII, and a lone surrogate (JSON escapes it).
    const messages = ['Hello World! 🚀', 'café déjà vu', 'plain', 'half \ud83d pair'];
    const saved = messages.map((message) => aLogEntry(execution.id, { message }));
    const appended = messages.map((message) => aLogEntry(execution.id, { message: `${message}, appended` }));
    await rt.executions.save({ ...execution, state: withState(execution.state, 'RUNNING') }, { logs: saved });
    await rt.logs.append(appended);
    expect(await rt.logs.list(execution.id)).toEqual([...saved, ...appended]);
    const raw = await redis().lrange(createKeys(prefix).executionLogs(execution.id), 0, -1);
    expect(raw.map((line) => JSON.parse(line) as unknown)).toEqual([...saved, ...appended]);
    expect(raw.every((line) => /^[\x20-\x7e]*$/.test(line))).toBe(true);
    expect(raw[0]).toContain('Hello World! \\ud83d\\ude80');
    expect(raw[2]).toBe(JSON.stringify(saved[2]));
  });

  it('applies the retention options to jobs, logs and executions', async () => {
    const prefix = testPrefix('retention');
    const rt = await runtime({
      prefix,
      retention: { completedJobs: 2, failedJobs: 1, logsPerExecution: 3, executionsTtlSeconds: 60 },
      queue: { ...FAST_QUEUE, attempts: 1 },
    });
    const good = Array.from({ length: 4 }, () => newId());
    const bad = [newId(), newId()];
    const done: string[] = [];
    consumers.push(
      rt.queue.consume(
        async (id) => {
          done.push(id);
          if (bad.includes(id)) throw new Error('fails on purpose');
        },
        { concurrency: 1 },
      ),
    );
    for (const id of [...good, ...bad]) await rt.queue.enqueue(id);
    await vi.waitFor(() => expect(done).toHaveLength(6), { timeout: 5000, interval: 20 });
    await vi.waitFor(async () => expect(await rt.queue.counts()).toEqual({ waiting: 0, active: 0, completed: 2, failed: 1 }), {
      timeout: 3000,
    });

    const execution = anExecution();
    await rt.executions.create(execution);
    await rt.logs.append([1, 2, 3, 4, 5].map((n) => aLogEntry(execution.id, { message: String(n) })));
    expect((await rt.logs.list(execution.id)).map((e) => e.message)).toEqual(['3', '4', '5']);
    // The lines a save stores are kept the same way.
    await rt.executions.save(execution, { logs: [6, 7].map((n) => aLogEntry(execution.id, { message: String(n) })) });
    expect((await rt.logs.list(execution.id)).map((e) => e.message)).toEqual(['5', '6', '7']);
    const keys = createKeys(prefix);
    const both = [keys.execution(execution.id), keys.executionLogs(execution.id)];
    // Live (a Pause may wait longer than the retention): kept, with its lines, however long.
    for (const key of both) expect(await redis().pttl(key)).toBe(-1);
    // Ended: the retention runs from the end, for the execution and its lines alike.
    const ended = { ...execution, state: withState(execution.state, 'SUCCESS') };
    await rt.executions.save(ended);
    for (const key of both) {
      const ttl = await redis().pttl(key);
      expect(ttl).toBeGreaterThan(50_000);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    // Restarted: live again, kept again.
    await rt.executions.save({ ...ended, state: withState(ended.state, 'RESTARTED') });
    for (const key of both) expect(await redis().pttl(key)).toBe(-1);
    // Created ended (an import of a finished execution): the retention from the start.
    const fresh = anExecution();
    const imported = { ...fresh, state: withState(fresh.state, 'FAILED') };
    await rt.executions.create(imported);
    expect(await redis().ttl(keys.execution(imported.id))).toBeGreaterThan(50);
  });

  it('rejects with RUNTIME_UNAVAILABLE within a second when Redis cannot be reached', async () => {
    const started = Date.now();
    const rt = await createBullmqRuntime({ redisUrl: 'redis://127.0.0.1:1', prefix: testPrefix('down') });
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ['executions.create', () => rt.executions.create(anExecution())],
        ['executions.get', () => rt.executions.get(newId())],
        ['flows.save', () => rt.flows.save(aFlowToSave())],
        ['logs.append', () => rt.logs.append([aLogEntry(newId())])],
        ['queue.enqueue', () => rt.queue.enqueue(newId())],
        ['queue.counts', () => rt.queue.counts()],
        ['events.publish', () => rt.events.publish({ executionId: newId(), state: 'RUNNING', terminated: false })],
        ['events.subscribe', () => rt.events.subscribe(newId(), () => undefined)],
        ['flows.watch', () => rt.flows.watch(() => undefined)],
        ['ping', () => rt.ping()],
      ];
      for (const [name, call] of calls) {
        const error: unknown = await call().then(
          () => new Error(`${name} resolved`),
          (e: unknown) => e,
        );
        expect(isSluiceError(error) ? [name, error.code, error.retryable] : [name, error]).toEqual([name, 'RUNTIME_UNAVAILABLE', true]);
      }
      expect(Date.now() - started).toBeLessThan(1000);
      // A worker that never reached Redis still closes within its bound.
      const consumer = rt.queue.consume(async () => undefined, { concurrency: 1 });
      const closingConsumer = Date.now();
      await consumer.close(100);
      expect(Date.now() - closingConsumer).toBeLessThan(100 + 3000);
    } finally {
      const closing = Date.now();
      await rt.close();
      expect(Date.now() - closing).toBeLessThan(1000);
    }
  });

  it('lays keys out under the prefix, with hash tags per execution and per tenant', async () => {
    const prefix = testPrefix('layout');
    const rt = await runtime({ prefix });
    const tenantId = `tenant-${newId()}`;
    const execution = anExecution({ tenantId });
    await rt.executions.create(execution);
    await rt.logs.append([aLogEntry(execution.id)]);
    await rt.flows.save(aFlowToSave({ tenantId, namespace: 'company.team', id: 'hello' }));
    const found: string[] = [];
    for await (const batch of redis().scanStream({ match: `${prefix}:*`, count: 500 })) found.push(...(batch as string[]));
    expect(found.sort()).toEqual(
      [
        `${prefix}:execution:{${execution.id}}`,
        `${prefix}:execution:{${execution.id}}:logs`,
        `${prefix}:executions:{${tenantId}}:created`,
        `${prefix}:executions:{${tenantId}}:meta`,
        `${prefix}:flow:{${tenantId}}:company.team:hello`,
        `${prefix}:flows:{${tenantId}}`,
        `${prefix}:flows:{${tenantId}}:version`,
      ].sort(),
    );
    // Ids cannot open a hash tag or add a segment.
    expect(createKeys('p').execution('a}{b:c')).toBe('p:execution:{a%7D%7Bb%3Ac}');
  });

  it('keeps delivering events after its subscriber connection is killed', async () => {
    const prefix = testPrefix('resubscribe');
    const rt = await runtime({ prefix });
    const id = newId();
    const seen: ExecutionEvent[] = [];
    await rt.events.subscribe(id, (e) => seen.push(e));
    // Kill only this runtime's own subscriber connection, found by its name.
    const clients = (await redis().client('LIST')) as string;
    const line = clients.split('\n').find((l) => l.includes(` name=${prefix}:standalone:subscriber `));
    const clientId = /\bid=(\d+)/.exec(line ?? '')?.[1];
    expect(clientId).toBeDefined();
    await redis().client('KILL', 'ID', clientId!);
    await vi.waitFor(
      async () => {
        await rt.events.publish({ executionId: id, state: 'RUNNING', terminated: false });
        expect(seen.length).toBeGreaterThan(0);
      },
      { timeout: 5000, interval: 200 },
    );
  });

  it('a save sent again after it was applied (its reply lost) stores its lines and events once; an unchanged execution with new lines still gets them', async () => {
    const rt = await runtime({ prefix: testPrefix('replay') });
    const created = anExecution({ tenantId: 'main' });
    await rt.executions.create(created);
    const running: Execution = { ...created, state: withState(created.state, 'RUNNING') };
    const line = aLogEntry(created.id, { message: 'once' });
    const heard: ExecutionEvent[] = [];
    const unsubscribe = await rt.events.subscribe(created.id, (event) => heard.push(event));
    const announce = [{ executionId: created.id, state: 'RUNNING' as const, terminated: false }];
    // The same save twice, as a resend after a lost reply sends it; the conditional one too.
    await rt.executions.save(running, { logs: [line], announce, expected: created });
    await rt.executions.save(running, { logs: [line], announce, expected: created });
    expect((await rt.logs.list(created.id)).map((l) => l.message)).toEqual(['once']);
    const next = aLogEntry(created.id, { message: 'again, unchanged execution' });
    await rt.executions.save(running, { logs: [next] });
    expect((await rt.logs.list(created.id)).map((l) => l.message)).toEqual(['once', 'again, unchanged execution']);
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard.map((e) => e.state)).toEqual(['RUNNING']);
    await unsubscribe();
  });

  it('refuses to consume in the webserver role', async () => {
    const rt = await runtime({ prefix: testPrefix('webserver'), role: 'webserver' });
    expect(() => rt.queue.consume(async () => undefined, { concurrency: 1 })).toThrow(/webserver/);
  });

  it('closes idempotently, and rejects calls made after close as unavailable', async () => {
    const rt = await runtime({ prefix: testPrefix('close') });
    await rt.ping();
    consumers.push(rt.queue.consume(async () => undefined, { concurrency: 2 }));
    const first = rt.close();
    expect(rt.close()).toBe(first);
    await first;
    await expect(rt.executions.get(newId())).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
  });

  it('checks its options', async () => {
    await expect(createBullmqRuntime({ redisUrl: 'http://localhost' })).rejects.toThrow(/redis:\/\//);
    await expect(createBullmqRuntime({ redisUrl: REDIS_URL, prefix: 'a:b' })).rejects.toThrow(/prefix/);
    await expect(createBullmqRuntime({ redisUrl: REDIS_URL, retention: { logsPerExecution: 0 } })).rejects.toThrow(/logsPerExecution/);
    await expect(createBullmqRuntime({ redisUrl: REDIS_URL, queue: { carryMaxChars: -1 } })).rejects.toThrow(/carryMaxChars/);
  });
});
