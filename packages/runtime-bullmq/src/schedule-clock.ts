import { randomBytes } from 'node:crypto';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FlowKey, ScheduleClock, ScheduleConsumer, ScheduleSpec, ScheduleTickEvent, ScheduleTickHandler, StoredSchedule } from '@sluice/engine';
import { closeClient, createWorkerClient, type RedisStore } from './connection.js';
import type { Keys } from './keys.js';
import type { ResolvedOptions } from './options.js';
import { LuaScript } from './scripts.js';
import { sleep, withDeadline } from './time.js';

/**
 * The schedule clock on Redis and BullMQ.
 *
 * Each schedule is a chain of delayed jobs in the queue `{schedules}`, one job per tick, with a
 * job id made of the schedule id, the chain's generation and the tick's instant. The worker that
 * takes tick T first adds the job of the tick after it, then hands T to the handler; so the
 * chain goes on whatever the handler does, and every process that adds a given tick adds the
 * same job id, which BullMQ keeps once. Ticks missed while no consumer ran are still in Redis
 * and run late, in order (Kestra's `recoverMissedSchedules: ALL`).
 *
 * Why not BullMQ's job schedulers (`upsertJobScheduler`)? They advance from the time the next
 * job is computed (`max(now, previous)`), so ticks missed while every process was down are
 * dropped; and an upsert with changed options removes the pending job and reschedules from the
 * upserting process's clock, so a restart or a second webserver racing an update can lose the
 * tick that was just due (addJobScheduler.lua). The chain here has the same ids-dedupe property
 * (`repeat:<id>:<millis>` there), with the calendar and the restart rules ours.
 *
 * The hash `P:schedules` holds one JSON record per schedule id: flow key, trigger id, revision,
 * version, generation and the pending tick (`head`), or a tombstone `{removed, revision, at}`
 * that keeps a slower process from bringing back a schedule just removed. Records change by
 * compare-and-set, so concurrent upserts from several webservers end with one chain.
 */

interface LiveRecord {
  readonly flowKey: FlowKey;
  readonly triggerId: string;
  readonly revision: number;
  readonly version: string;
  /** Generation: a new one per new version; ticks of another generation are dropped. */
  readonly gen: string;
  /** The pending tick (ms), absent once the schedule has ended. */
  readonly head?: number;
  /** The tick before the pending one (ms). */
  readonly prev?: number;
}

interface Tombstone {
  readonly removed: true;
  readonly revision: number;
  readonly at: number;
}

type Record_ = LiveRecord | Tombstone;

/** The data of a tick job: ids and instants, nothing secret. */
interface TickJobData {
  readonly scheduleId: string;
  readonly gen: string;
  readonly flowKey: FlowKey;
  readonly triggerId: string;
  readonly date: number;
  readonly previous?: number;
}

const JOB_NAME = 'tick';
/** Tombstones older than this are pruned: a process lagging this far behind is repaired by its own resync. */
const TOMBSTONE_TTL_MS = 3_600_000;
const CAS_TRIES = 20;

/** Sets a hash field only if it still holds what the caller read ('' for absent); '' as new value deletes it. */
const casScript = new LuaScript(`
local current = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if current ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
`);

const isLive = (record: Record_ | undefined): record is LiveRecord => record !== undefined && !('removed' in record);

function parse(raw: string | null | undefined): Record_ | undefined {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Record_;
  } catch {
    return undefined;
  }
}

/** The schedule clock of one runtime. */
export class RedisScheduleClock implements ScheduleClock {
  private queue: Promise<Queue<TickJobData, void, typeof JOB_NAME>> | undefined;
  /** The specs this process was given: their `next` computes the chain (see the port, ScheduleClock). */
  private readonly local = new Map<string, ScheduleSpec>();
  private readonly consumers = new Set<RedisScheduleConsumer>();
  private readonly hashKey: string;

  constructor(
    private readonly store: RedisStore,
    private readonly keys: Keys,
    private readonly options: ResolvedOptions,
  ) {
    this.hashKey = `${keys.prefix}:schedules`;
  }

  async upsert(spec: ScheduleSpec): Promise<void> {
    if (spec.id.includes(':')) throw new TypeError(`not a schedule id: '${spec.id}'`);
    for (let i = 0; i < CAS_TRIES; i++) {
      const raw = await this.read(spec.id);
      const record = parse(raw);
      if (record && !isLive(record) && record.revision >= spec.revision) return;
      if (isLive(record) && record.revision > spec.revision) return;
      if (isLive(record) && record.version === spec.version) {
        this.local.set(spec.id, spec);
        if (record.revision < spec.revision && !(await this.cas(spec.id, raw, { ...record, revision: spec.revision }))) continue;
        // Repairs a chain whose pending job went missing (a process died between writing the
        // record and adding the job): the id is the same, so adding it again is a no-op otherwise.
        if (record.head !== undefined) await this.addTick({ ...this.jobBase(spec, record.gen), date: record.head, ...(record.prev === undefined ? {} : { previous: record.prev }) });
        return;
      }
      // A new chain: from the old chain's pending tick when it is already due, so no tick is lost
      // at the moment of a change, else from now.
      const now = Date.now();
      const after = isLive(record) && record.head !== undefined && record.head <= now ? record.head - 1 : now;
      const first = this.nextOf(spec, new Date(after))?.getTime();
      const gen = randomBytes(6).toString('base64url');
      const prev = isLive(record) ? record.prev : undefined;
      const next: LiveRecord = {
        flowKey: spec.flowKey, triggerId: spec.triggerId, revision: spec.revision, version: spec.version, gen,
        ...(first === undefined ? {} : { head: first }), ...(prev === undefined ? {} : { prev }),
      };
      if (!(await this.cas(spec.id, raw, next))) continue;
      this.local.set(spec.id, spec);
      if (first !== undefined) await this.addTick({ ...this.jobBase(spec, gen), date: first, ...(prev === undefined ? {} : { previous: prev }) });
      if (isLive(record)) await this.dropPending(spec.id, record);
      return;
    }
    throw new Error(`schedule ${spec.id}: too many concurrent changes`);
  }

  async remove(id: string, revision: number): Promise<void> {
    for (let i = 0; i < CAS_TRIES; i++) {
      const raw = await this.read(id);
      const record = parse(raw);
      if (isLive(record) && record.revision > revision) return;
      if (record && !isLive(record) && record.revision >= revision) {
        this.local.delete(id);
        return;
      }
      if (!(await this.cas(id, raw, { removed: true, revision, at: Date.now() }))) continue;
      this.local.delete(id);
      if (isLive(record)) await this.dropPending(id, record);
      return;
    }
    throw new Error(`schedule ${id}: too many concurrent changes`);
  }

  async list(): Promise<readonly StoredSchedule[]> {
    const all = await this.store.run('list schedules', (client) => client.hgetall(this.hashKey));
    const out: StoredSchedule[] = [];
    const stale: [string, string][] = [];
    for (const [id, raw] of Object.entries(all)) {
      const record = parse(raw);
      if (isLive(record)) {
        out.push({
          id, flowKey: record.flowKey, triggerId: record.triggerId, revision: record.revision, version: record.version,
          ...(record.head === undefined ? {} : { next: new Date(record.head) }),
          ...(record.prev === undefined ? {} : { previous: new Date(record.prev) }),
        });
      } else if (record && Date.now() - record.at > TOMBSTONE_TTL_MS) {
        stale.push([id, raw]);
      }
    }
    for (const [id, raw] of stale) await this.store.run('prune schedule', (client) => casScript.run(client, [this.hashKey], [id, raw, '']));
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  consume(handler: ScheduleTickHandler): ScheduleConsumer {
    const consumer = new RedisScheduleConsumer(this, handler, this.keys, this.options, (closed) => this.consumers.delete(closed));
    this.consumers.add(consumer);
    return consumer;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close(0)));
    const queue = this.queue;
    this.queue = undefined;
    if (queue) await withDeadline(queue.then((q) => q.close()), this.options.connection.closeTimeoutMs, 'close schedule queue').catch(() => undefined);
  }

  /**
   * One tick job, taken by a consumer: drops a stale one, chains the next tick, then hands this
   * one to the handler. Returns false when this process cannot compute the chain (it does not
   * know the schedule's current version yet): the job is delayed for another try.
   */
  async take(data: TickJobData, handler: ScheduleTickHandler): Promise<'done' | 'stale' | 'unknown'> {
    const raw = await this.read(data.scheduleId);
    const record = parse(raw);
    if (!isLive(record) || record.gen !== data.gen) return 'stale';
    const spec = this.local.get(data.scheduleId);
    if (!spec || spec.version !== record.version) return 'unknown';
    const date = new Date(data.date);
    const next = this.nextOf(spec, date);
    if (next !== undefined) await this.addTick({ ...this.jobBase(spec, data.gen), date: next.getTime(), previous: data.date });
    await this.advance(data, next?.getTime());
    const tick: ScheduleTickEvent = {
      scheduleId: data.scheduleId, flowKey: data.flowKey, triggerId: data.triggerId, date,
      ...(data.previous === undefined ? {} : { previous: new Date(data.previous) }), ...(next ? { next } : {}),
    };
    await handler(tick);
    return 'done';
  }

  /** The spec's next tick; a calendar that throws ends the chain (reported), it never breaks a caller. */
  private nextOf(spec: ScheduleSpec, after: Date): Date | undefined {
    try {
      return spec.next(after);
    } catch (error) {
      this.options.onError(error, `schedule ${spec.id}: next tick`);
      return undefined;
    }
  }

  /** Moves the record's pending tick past `data.date` (never backwards, never across generations). */
  private async advance(data: TickJobData, next: number | undefined): Promise<void> {
    for (let i = 0; i < CAS_TRIES; i++) {
      const raw = await this.read(data.scheduleId);
      const record = parse(raw);
      if (!isLive(record) || record.gen !== data.gen) return;
      if (record.head !== undefined && record.head > data.date) return;
      const { head: _head, prev: _prev, ...rest } = record;
      const updated: LiveRecord = { ...rest, prev: data.date, ...(next === undefined ? {} : { head: next }) };
      if (await this.cas(data.scheduleId, raw, updated)) return;
    }
  }

  private jobBase(spec: Pick<ScheduleSpec, 'id' | 'flowKey' | 'triggerId'>, gen: string): Omit<TickJobData, 'date' | 'previous'> {
    return { scheduleId: spec.id, gen, flowKey: spec.flowKey, triggerId: spec.triggerId };
  }

  private jobId(scheduleId: string, gen: string, date: number): string {
    // BullMQ refuses ':' in custom ids; schedule ids never hold one, and the generation is base64url.
    return `tick.${encodeURIComponent(scheduleId)}.${gen}.${date}`;
  }

  private async addTick(data: TickJobData): Promise<void> {
    await this.store.run('schedule tick', async () => {
      const queue = await this.bullQueue();
      const jobId = this.jobId(data.scheduleId, data.gen, data.date);
      await withDeadline(queue.add(JOB_NAME, data, { jobId, delay: Math.max(0, data.date - Date.now()) }), this.deadlineMs(), 'schedule tick');
    });
  }

  /** Best effort: a pending tick left behind is dropped anyway when it falls due (stale generation). */
  private async dropPending(scheduleId: string, record: LiveRecord): Promise<void> {
    if (record.head === undefined) return;
    const jobId = this.jobId(scheduleId, record.gen, record.head);
    await this.store
      .run('drop tick', async () => withDeadline((await this.bullQueue()).remove(jobId), this.deadlineMs(), 'drop tick'))
      .catch((error: unknown) => this.options.onError(error, `schedule ${scheduleId}: drop pending tick`));
  }

  private read(id: string): Promise<string> {
    return this.store.run('read schedule', async (client: Redis) => (await client.hget(this.hashKey, id)) ?? '');
  }

  private async cas(id: string, expected: string, record: Record_): Promise<boolean> {
    const done = await this.store.run('write schedule', (client) => casScript.run(client, [this.hashKey], [id, expected, JSON.stringify(record)]));
    return done === 1;
  }

  private deadlineMs(): number {
    return this.options.connection.readyTimeoutMs + this.options.connection.commandTimeoutMs;
  }

  private bullQueue(): Promise<Queue<TickJobData, void, typeof JOB_NAME>> {
    if (!this.queue) {
      const queue = new Queue<TickJobData, void, typeof JOB_NAME>(SCHEDULE_QUEUE, {
        connection: this.store.client,
        prefix: this.keys.prefix,
        defaultJobOptions: {
          // A handler failure is retried (the store was down); the chain is already extended.
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          // Kept an hour: while kept, adding the same tick again is a no-op.
          removeOnComplete: { age: 3600, count: 10_000 },
          removeOnFail: { age: 24 * 3600, count: 1000 },
        },
      });
      queue.on('error', (error) => this.options.onError(error, 'schedule queue'));
      const started = withDeadline(queue.waitUntilReady(), this.deadlineMs(), 'start schedule queue').then(() => queue);
      started.catch(() => {
        if (this.queue === started) this.queue = undefined;
        queue.close().catch(() => undefined);
      });
      this.queue = started;
    }
    return this.queue;
  }
}

/** The BullMQ queue of ticks; the braces keep its keys in one Redis Cluster slot. */
export const SCHEDULE_QUEUE = '{schedules}';

/** How long a tick this process cannot compute yet waits before it is tried again. */
const UNKNOWN_RETRY_MS = 1000;

/** A BullMQ Worker on the tick queue, with a bounded close. */
class RedisScheduleConsumer implements ScheduleConsumer {
  private readonly client: Redis;
  private readonly duplicates: Redis[] = [];
  private readonly worker: Worker<TickJobData, void, typeof JOB_NAME>;
  private readonly running = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(
    clock: RedisScheduleClock,
    handler: ScheduleTickHandler,
    keys: Keys,
    private readonly options: ResolvedOptions,
    private readonly onClosed: (consumer: RedisScheduleConsumer) => void,
  ) {
    this.client = createWorkerClient(options, 'schedules');
    const duplicate = this.client.duplicate.bind(this.client);
    this.client.duplicate = (override) => {
      const copy = duplicate(override);
      this.duplicates.push(copy);
      return copy;
    };
    let reported = false;
    this.client.on('error', (error: Error) => {
      if (!reported) options.onError(error, 'redis schedule connection');
      reported = true;
    });
    this.client.on('ready', () => (reported = false));
    const processTick = async (job: Job<TickJobData, void, typeof JOB_NAME>, token?: string): Promise<void> => {
      const outcome = await clock.take(job.data, handler);
      if (outcome === 'unknown' && token !== undefined) {
        await job.moveToDelayed(Date.now() + UNKNOWN_RETRY_MS, token);
        throw new DelayedError();
      }
    };
    this.worker = new Worker<TickJobData, void, typeof JOB_NAME>(SCHEDULE_QUEUE, (job, token) => {
      const work = processTick(job, token);
      this.running.add(work);
      void work.catch(() => undefined).finally(() => this.running.delete(work));
      return work;
    }, {
      connection: this.client,
      prefix: keys.prefix,
      concurrency: 4,
      lockDuration: options.queue.lockDurationMs,
      stalledInterval: options.queue.stalledIntervalMs,
      maxStalledCount: options.queue.maxStalledCount,
      autorun: true,
    });
    this.worker.on('error', (error) => options.onError(error, 'schedule worker'));
    this.worker.on('failed', (job, error) => options.onError(error, `schedule tick ${job?.id ?? '?'}: handler failed`));
  }

  close(graceMs = this.options.queue.closeGraceMs): Promise<void> {
    this.closing ??= this.shutdown(Math.max(0, graceMs));
    return this.closing;
  }

  private async shutdown(graceMs: number): Promise<void> {
    const { closeTimeoutMs } = this.options.connection;
    try {
      await withDeadline(this.worker.pause(true), closeTimeoutMs, 'pause schedule worker').catch(() => undefined);
      if (this.running.size > 0) await Promise.race([Promise.all(this.running), sleep(graceMs)]);
      // A tick still running past the grace keeps its lock; stalled-job recovery delivers it again.
      await withDeadline(this.worker.close(this.running.size > 0), closeTimeoutMs, 'close schedule worker').catch((error: unknown) =>
        this.options.onError(error, 'schedule worker close'));
    } finally {
      await closeClient(this.client, closeTimeoutMs);
      for (const copy of this.duplicates) if (copy.status !== 'end') copy.disconnect();
      this.onClosed(this);
    }
  }
}
