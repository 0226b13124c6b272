import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mapSecrets, triggerExecutionId, type Runtime, type TriggerKey } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import { createSqliteRuntime } from '@sluice/runtime-sqlite';
import { createBullmqRuntime } from '@sluice/runtime-bullmq';
import { saveFlowYaml } from '../../test/flows.js';
import { testSource, testTriggerRegistry, triggerFlow, type TestSource } from '../../test/trigger-plugins.js';
import { createMetrics } from '../metrics.js';
import type { ServerContext } from '../server-context.js';
import { startTriggerRunners, type TriggerRunners } from './trigger-runners.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `sluice-trigger-host-${randomBytes(4).toString('hex')}`;
const root = mkdtempSync(join(tmpdir(), 'sluice-trigger-host-'));
let dirs = 0;

/** Each runtime kind: `open` makes one "process"'s runtime; all of a test share one store. */
interface Store {
  /** A runtime for one process; on memory and SQLite, the one runtime (a file has one owner), shared. */
  open(): Promise<Runtime>;
  /** Closes a process's runtime (on memory and SQLite, nothing: the store closes at the end). */
  closeOne(runtime: Runtime): Promise<void>;
  close(): Promise<void>;
}
const inProcess = (runtime: Runtime): Store => ({ open: async () => runtime, closeOne: async () => undefined, close: () => runtime.close() });
const RUNTIMES: { name: string; store: () => Store }[] = [
  { name: 'memory', store: () => inProcess(createMemoryRuntime()) },
  { name: 'sqlite', store: () => inProcess(createSqliteRuntime({ dir: join(root, String(dirs++)) })) },
  {
    name: 'bullmq',
    store: () => {
      const prefix = `${PREFIX}-${dirs++}`;
      return { open: () => createBullmqRuntime({ redisUrl: REDIS_URL, prefix }), closeOne: (runtime) => runtime.close(), close: async () => undefined };
    },
  },
];

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  const admin = new Redis(REDIS_URL);
  for await (const batch of admin.scanStream({ match: `${PREFIX}-*`, count: 500 })) if ((batch as string[]).length > 0) await admin.unlink(...(batch as string[]));
  await admin.quit();
});

const LEASE_MS = 600;
const BACKOFF = { baseMs: 50, maxMs: 400 };
const wait = { timeout: 10_000, interval: 25 };

describe.each(RUNTIMES)('trigger runners on the $name runtime', ({ store }) => {
  const closing: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0).reverse()) await close();
  });

  let shared: Store;
  /** One "process": a runtime on the test's store, a registry tagged `tag`, and runners. */
  async function processOf(tag: string, wrap: (runtime: Runtime) => Runtime = (r) => r): Promise<{ runtime: Runtime; runners: TriggerRunners; s: ServerContext }> {
    const opened = await shared.open();
    const runtime = wrap(opened);
    const registry = testTriggerRegistry(tag);
    const s = { runtime, registry, secrets: mapSecrets({}), logger: pino({ level: 'silent' }), metrics: createMetrics(), secretValues: () => [] } as unknown as ServerContext;
    const runners = await startTriggerRunners(s, { leaseMs: LEASE_MS, backoff: BACKOFF, holder: tag, maxInFlight: 4 });
    closing.push(async () => {
      await runners.close(1000);
      await shared.closeOne(opened);
    });
    return { runtime, runners, s };
  }
  const fresh = () => {
    const made = store();
    shared = made;
    closing.push(() => made.close());
  };
  const key = (flowId: string): TriggerKey => ({ tenantId: 'main', namespace: 'company.team', flowId, triggerId: 't' });
  const uniq = (prefix: string) => `${prefix}-${randomBytes(3).toString('hex')}`;
  const save = (runtime: Runtime, yaml: string, tag = 'a') => saveFlowYaml(runtime.flows, yaml, testTriggerRegistry(tag));
  const executions = async (runtime: Runtime, flowId: string) => (await runtime.executions.search({ tenantId: 'main', flowId, page: 1, size: 1000 })).results;
  const events = (source: TestSource, from: number, to: number) => {
    for (let n = from; n < to; n++) source.events.push({ id: `e${n}`, n });
  };

  it('polls in one process, starts one execution per event with its derived id, then stores the cursor and counts', async () => {
    fresh();
    const name = uniq('poll');
    const source = testSource(name);
    events(source, 0, 5);
    const a = await processOf('a');
    const b = await processOf('b');
    await save(a.runtime, triggerFlow('orders', 'Poll', name));
    await vi.waitFor(async () => expect(await executions(a.runtime, 'orders')).toHaveLength(5), wait);
    events(source, 5, 8);
    await vi.waitFor(async () => expect((await a.runtime.triggers.get(key('orders')))?.cursor).toBe(8), wait);
    const list = await executions(a.runtime, 'orders');
    expect(list.map((e) => e.id).sort()).toEqual(source.events.map((e) => triggerExecutionId(key('orders'), { key: e.id })).sort());
    expect(list[0]?.trigger).toMatchObject({ id: 't', type: 'io.sluice.test.Poll' });
    const state = await b.runtime.triggers.get(key('orders'));
    expect(state).toMatchObject({ executions: 8, errors: 0, disabled: false });
    expect(['a', 'b']).toContain(state?.holder);
    // Every poll in one place: the lease holder's.
    expect(new Set(source.polls.map((p) => p.tag))).toEqual(new Set([state?.holder]));
    expect(a.runners.running() + b.runners.running()).toBe(1);
  });

  it('repeats a poll whose cursor was not stored without starting a second execution, with or without keys', async () => {
    for (const keyed of [true, false]) {
      fresh();
      const name = uniq('repeat');
      const source = testSource(name);
      events(source, 0, 4);
      const flowId = keyed ? 'keyed' : 'unkeyed';
      const a = await processOf(`a-${flowId}`);
      await save(a.runtime, triggerFlow(flowId, 'Poll', name, `    keyed: ${keyed}\n`));
      await vi.waitFor(async () => expect((await a.runtime.triggers.get(key(flowId)))?.cursor).toBe(4), wait);
      await (closing.pop() as () => Promise<void>)(); // process a stops (the store stays open)
      // As if it had died after storing the executions of its first poll and before the cursor.
      const x = await shared.open();
      await x.triggers.acquire(key(flowId), 'x', LEASE_MS);
      await x.triggers.update(key(flowId), 'x', { cursor: undefined });
      await x.triggers.release(key(flowId), 'x');
      await shared.closeOne(x);
      const b = await processOf(`b-${flowId}`);
      await vi.waitFor(() => expect(source.polls.filter((p) => p.cursor === undefined && p.tag === `b-${flowId}`).length).toBe(1), wait);
      await vi.waitFor(async () => expect((await b.runtime.triggers.get(key(flowId)))?.cursor).toBe(4), wait);
      expect(await executions(b.runtime, flowId)).toHaveLength(4);
      expect((await b.runtime.triggers.get(key(flowId)))?.executions).toBe(4);
    }
  });

  it('backs off a failing poll, keeps its last error and count, and clears the error once it recovers', async () => {
    fresh();
    const name = uniq('failing');
    const source = testSource(name);
    source.failWith = 'connect ECONNREFUSED to postgres://app:hunter2@127.0.0.1:1';
    const a = await processOf('a');
    await save(a.runtime, triggerFlow('failing', 'Poll', name));
    await vi.waitFor(async () => expect((await a.runtime.triggers.get(key('failing')))?.errors).toBeGreaterThanOrEqual(3), wait);
    const state = await a.runtime.triggers.get(key('failing'));
    expect(state?.lastError?.message).toBe('connect ECONNREFUSED to postgres://app:***@127.0.0.1:1');
    // Capped exponential: later attempts are spaced by more than the 50 ms interval.
    const polls = source.polls.length;
    expect(polls).toBeLessThan(20);
    source.failWith = undefined;
    events(source, 0, 1);
    await vi.waitFor(async () => expect((await a.runtime.triggers.get(key('failing')))?.lastError).toBeUndefined(), wait);
    expect(await executions(a.runtime, 'failing')).toHaveLength(1);
  });

  it('takes a trigger over when its holder stops, and stops one disabled through the state until enabled again', async () => {
    fresh();
    const name = uniq('takeover');
    const source = testSource(name);
    const a = await processOf('a');
    await save(a.runtime, triggerFlow('takeover', 'Poll', name));
    await vi.waitFor(async () => expect((await a.runtime.triggers.get(key('takeover')))?.holder).toBe('a'), wait);
    const b = await processOf('b');
    events(source, 0, 3);
    await vi.waitFor(async () => expect(await executions(a.runtime, 'takeover')).toHaveLength(3), wait);
    await (closing.splice(1, 1)[0] as () => Promise<void>)(); // process a stops
    events(source, 3, 6);
    await vi.waitFor(async () => expect(await executions(b.runtime, 'takeover')).toHaveLength(6), wait);
    expect((await b.runtime.triggers.get(key('takeover')))?.holder).toBe('b');

    await b.runtime.triggers.setDisabled(key('takeover'), true);
    await vi.waitFor(() => expect(b.runners.running()).toBe(0), wait);
    events(source, 6, 7);
    const polls = source.polls.length;
    await new Promise((r) => setTimeout(r, LEASE_MS));
    expect(source.polls.length).toBe(polls);
    await b.runtime.triggers.setDisabled(key('takeover'), false);
    await vi.waitFor(async () => expect(await executions(b.runtime, 'takeover')).toHaveLength(7), wait);
  });

  it('listens in one process, acknowledges each event after its execution is stored, bounded in flight', async () => {
    fresh();
    const name = uniq('listen');
    const source = testSource(name);
    let inFlight = 0;
    let most = 0;
    const slow = (runtime: Runtime): Runtime => Object.assign(Object.create(runtime) as Runtime, {
      async submit(execution: Parameters<Runtime['submit']>[0]) {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          await new Promise((r) => setTimeout(r, 5));
          await runtime.submit(execution);
        } finally {
          inFlight--;
        }
      },
    });
    const a = await processOf('a', slow);
    await processOf('b', slow);
    await save(a.runtime, triggerFlow('stream', 'Listen', name));
    await vi.waitFor(() => expect(source.listener).toBeDefined(), wait);
    const emitted = Array.from({ length: 40 }, (_, n) => source.listener!.emit({ kind: 'start', variables: { id: `m${n}`, n }, key: `m${n}` }));
    // A redelivery of an acknowledged message starts nothing new.
    await Promise.all(emitted);
    await source.listener!.emit({ kind: 'start', variables: { id: 'm0', n: 0 }, key: 'm0' });
    expect(source.acked).toHaveLength(41);
    expect(most).toBeLessThanOrEqual(4);
    expect(await executions(a.runtime, 'stream')).toHaveLength(40);
    expect((await a.runtime.triggers.get(key('stream')))?.executions).toBe(40);
    expect(source.listens).toHaveLength(1);
  });

  it('keeps what a listener warns about (a broker it cannot reach) as its last error, once per change, until it starts an execution again', async () => {
    fresh();
    const name = uniq('warn');
    const source = testSource(name);
    const a = await processOf('a');
    await save(a.runtime, triggerFlow('warned', 'Listen', name));
    await vi.waitFor(() => expect(source.listener).toBeDefined(), wait);
    source.listener!.warn('cannot connect to amqp://user:s3cret-pw@127.0.0.1:1/: ECONNREFUSED');
    await vi.waitFor(async () => expect((await a.runtime.triggers.get(key('warned')))?.lastError?.message).toBe('cannot connect to amqp://user:***@127.0.0.1:1/: ECONNREFUSED'), wait);
    await source.listener!.emit({ kind: 'start', variables: { id: 'after', n: 1 }, key: 'after' });
    const state = await a.runtime.triggers.get(key('warned'));
    expect(state?.lastError).toBeUndefined();
    expect(state?.executions).toBe(1);
  });

  it('counts what poll and listen triggers reject (ctx.reject) in their state and on /metrics, by flow and trigger, and goes on', async () => {
    fresh();
    const [polledName, heardName] = [uniq('rejects'), uniq('rejects')];
    const polled = testSource(polledName);
    polled.events.push({ id: 'ok1', n: 1 }, { id: 'bad1', n: -1 }, { id: 'ok2', n: 2 });
    const heard = testSource(heardName);
    const a = await processOf('a');
    await save(a.runtime, triggerFlow('polled', 'Poll', polledName));
    await save(a.runtime, triggerFlow('heard', 'Listen', heardName));
    await vi.waitFor(async () => expect(await a.runtime.triggers.get(key('polled'))).toMatchObject({ executions: 2, rejected: 1 }), wait);
    await vi.waitFor(() => expect(heard.listener).toBeDefined(), wait);
    heard.listener!.reject('message 7 does not decode');
    heard.listener!.reject('message 8 does not decode');
    await heard.listener!.emit({ kind: 'start', variables: { id: 'fine', n: 1 }, key: 'fine' });
    await vi.waitFor(async () => expect(await a.runtime.triggers.get(key('heard'))).toMatchObject({ executions: 1, rejected: 2 }), wait);
    const text = await a.s.metrics.registry.metrics();
    expect(text).toContain('sluice_trigger_rejected_total{namespace="company.team",flow="polled",trigger="t"} 1');
    expect(text).toContain('sluice_trigger_rejected_total{namespace="company.team",flow="heard",trigger="t"} 2');
  });

  it('restarts a failed listener with backoff and its last error, and stops it cleanly on a flow update and when disabled in YAML or through the state', async () => {
    fresh();
    const name = uniq('relisten');
    const source = testSource(name);
    const a = await processOf('a');
    await save(a.runtime, triggerFlow('relisten', 'Listen', name));
    await vi.waitFor(() => expect(source.listener).toBeDefined(), wait);
    const first = source.listener!;
    first.fail(new Error('connection reset'));
    await vi.waitFor(() => expect(first.signal.aborted).toBe(true), wait);
    await vi.waitFor(() => expect(source.listens).toHaveLength(2), wait);
    expect(source.stops).toBe(1);
    const state = await a.runtime.triggers.get(key('relisten'));
    expect(state?.errors).toBe(1);
    // Listening again clears it.
    await vi.waitFor(async () => expect((await a.runtime.triggers.get(key('relisten')))?.lastError).toBeUndefined(), wait);

    // An emit after the stop began is refused, so the plugin does not acknowledge it.
    await expect(first.emit({ kind: 'start', variables: { id: 'late', n: 0 } })).rejects.toMatchObject({ code: 'TRIGGER_STOPPED' });

    const second = source.listener!;
    await save(a.runtime, triggerFlow('relisten', 'Listen', name, '    description: changed\n'));
    await vi.waitFor(() => expect(second.signal.aborted).toBe(true), wait);
    await vi.waitFor(() => expect(source.listens).toHaveLength(3), wait);

    // Disabled in the YAML: stopped; enabled again: listening again.
    const third = source.listener!;
    await save(a.runtime, triggerFlow('relisten', 'Listen', name, '    disabled: true\n'));
    await vi.waitFor(() => expect(third.signal.aborted).toBe(true), wait);
    expect(source.listener).toBeUndefined();
    await save(a.runtime, triggerFlow('relisten', 'Listen', name));
    await vi.waitFor(() => expect(source.listens).toHaveLength(4), wait);

    await a.runtime.triggers.setDisabled(key('relisten'), true);
    await vi.waitFor(() => expect(source.listener).toBeUndefined(), wait);
    expect(source.stops).toBe(4);
    expect(a.runners.running()).toBe(0);
  });
});
