import type { Execution, ExecutionQuery, ExecutionRepository, Page, SaveOptions, StateType } from '@sluice/engine';
import { stringifyJson } from '@sluice/core';
import { checkSaveLogs, engineErrors, isTerminated, storedExecutionJson, storedTaskRunJson } from '@sluice/engine';
import { pipelined, type RedisStore } from './connection.js';
import { inNamespace } from './flow-repository.js';
import { logLineArg } from './log-line.js';
import type { Keys } from './keys.js';
import { CARRIED_EXECUTION_MAX_CHARS, eventHead } from './event-message.js';
import { createExecutionScript, deleteExecutionScript, indexExecutionScript, saveExecutionScript, setMetaIfScript } from './scripts.js';
import { expectedArgs, expectedSaveArgs, HEAD_FIELD, readExecution, readExecutions, taskRunFields, wrongType, type TaskRunFields } from './execution-hash.js';

/** What search filters on, per execution: small, so a search never loads whole executions to filter. */
type Meta = [namespace: string, flowId: string, state: StateType];

/** The {@link Meta} of `execution`, as stored in the tenant's meta hash. */
const metaJson = (execution: Execution): string => JSON.stringify([execution.namespace, execution.flowId, execution.state.current] satisfies Meta);

/** Index entries dropped per create, bounding the work a create does for retention. */
const TRIM_LIMIT = 100;
/** Ids read per HMGET when a search scans a tenant's index. */
const SCAN_CHUNK = 1000;

/** Milliseconds of the execution's creation: its first state change, as Kestra dates it. */
export function createdAt(execution: Execution): number {
  const date = execution.state.histories[0]?.date ?? execution.metadata.originalCreatedDate;
  const ms = Date.parse(date);
  return Number.isFinite(ms) ? ms : Date.now();
}

/** The index scores (creation ms) a search's dates allow, as ZRANGEBYSCORE bounds. */
function scoreRange(query: ExecutionQuery): [min: string, max: string] {
  return [
    query.startDate === undefined ? '-inf' : String(Date.parse(query.startDate)),
    query.endDate === undefined ? '+inf' : String(Date.parse(query.endDate)),
  ];
}

/**
 * Executions in Redis: a hash under `execution:{id}` (the head, and one field per task run, so a
 * save writes the task runs it changed; see execution-hash.ts), with the retention TTL set by the
 * save that ends it (none while it lives), and per tenant a sorted set by creation time plus a hash of what search filters
 * on. The execution key and the tenant index live in different hash slots, so no script writes
 * both: the execution (created only if its key is free, the duplicate guard) and the index script
 * are sent together, in that order, on one connection.
 */
export class RedisExecutionRepository implements ExecutionRepository {
  constructor(
    private readonly store: RedisStore,
    private readonly keys: Keys,
    private readonly ttlSeconds: number,
    /** Log lines kept per execution, as the log repository keeps them. */
    private readonly maxLogEntries: number,
  ) {}

  /**
   * The expiry an execution is written with: the retention for one that ended, none while it
   * lives. A Pause waiting for approval, or an execution queued behind a concurrency limit, for
   * longer than the retention must not vanish (the SQLite and memory runtimes never drop a live
   * execution either); its expiry starts at its end.
   */
  private ttlOf(execution: Execution): number {
    return isTerminated(execution.state.current) ? this.ttlSeconds : 0;
  }

  async create(execution: Execution): Promise<void> {
    await this.store.run('create execution', () => this.sendCreate(execution, stringifyJson(execution)));
  }

  /**
   * Sends the commands of a create before it returns, without waiting for a reply: a command
   * sent on this connection afterwards (the job's add, in `submit`) runs after them in Redis.
   * The execution (written only if its key is free, the duplicate guard) and its index entry go
   * out together; the index script adds nothing for an id already indexed, so a duplicate
   * changes nothing. Rejects with `RUNTIME_DUPLICATE_EXECUTION` when the id was taken. `json`
   * is the execution's JSON, made once by the caller, which queues it too: without task runs
   * (a new execution) it is the head as stored, to the byte. Call only once the store is ready.
   */
  sendCreate(execution: Execution, json: string): Promise<void> {
    const client = this.store.client;
    const key = this.keys.execution(execution.id);
    const ttl = this.ttlOf(execution);
    const created = execution.taskRunList.length === 0 && ttl === 0
      // A new execution, what every webhook creates: the head alone, no expiry. HSETNX is the
      // duplicate guard in one plain command (an EVALSHA costs both ends more, see "Twelfth
      // round" in docs/performance.md); a key of the layout before hashes (a string) is refused
      // with WRONGTYPE: that id is taken as well.
      ? client.hsetnx(key, HEAD_FIELD, json).catch((error: unknown) => (wrongType(error) ? 0 : Promise.reject(error)))
      : this.createScript(key, execution, json, ttl);
    const cutoff = this.ttlSeconds > 0 ? String(Date.now() - this.ttlSeconds * 1000) : '-';
    const indexed = indexExecutionScript.run(
      client,
      [this.keys.executionIndex(execution.tenantId), this.keys.executionMeta(execution.tenantId)],
      [execution.id, createdAt(execution), metaJson(execution), cutoff, TRIM_LIMIT],
    );
    return Promise.all([created, indexed]).then(([reply]) => {
      if (reply === 0) throw engineErrors.RUNTIME_DUPLICATE_EXECUTION(execution.id);
    });
  }

  /** A create with task runs or an expiry: the head and each task run's field, if the key is free. */
  private createScript(key: string, execution: Execution, json: string, ttl: number): Promise<unknown> {
    const runs = execution.taskRunList.length === 0 ? { head: json, pairs: [] } : taskRunFields(execution, undefined, stringifyJson);
    return createExecutionScript.run(this.store.client, [key], [runs.head, ttl, ...runs.pairs]);
  }

  /**
   * One round trip: ioredis sends the index updates and the save on the one connection without
   * waiting, so saves land in the order they are called. The search index goes first, so a
   * listener that hears an event finds the new state in searches too. ZADD NX brings back an
   * index entry a create's trim dropped while the execution still ran. The save is one script
   * with the log lines and events (all in the execution's slot): the lines are stored before the
   * state that follows them, an event never goes out for a save Redis refused, and a save
   * conditional on `expected` stores nothing unless the stored execution is the expected one
   * (its search meta, in another slot, is set only if it still is the expected one's, so a
   * refused save leaves it too as it was). With `taskRuns`, the script writes the head and those
   * task runs only; an execution stored before the hash layout is written whole (a second trip,
   * once).
   */
  async save(execution: Execution, { announce = [], logs = [], expected, taskRuns }: SaveOptions = {}): Promise<void> {
    checkSaveLogs(execution.id, logs);
    await this.store.run('save execution', async (client) => {
      const key = this.keys.execution(execution.id);
      // The text of the task runs an earlier save wrote is reused: a save serializes what changed.
      let fields = taskRunFields(execution, taskRuns, storedTaskRunJson);
      // A terminal event carries the whole execution, serialized once, here.
      const whole = announce.some((event) => event.terminated) ? storedExecutionJson(execution) : '';
      const carry = whole !== '' && whole.length <= CARRIED_EXECUTION_MAX_CHARS;
      const metaKey = this.keys.executionMeta(execution.tenantId);
      const indexed = Promise.all([
        client.zadd(this.keys.executionIndex(execution.tenantId), 'NX', createdAt(execution), execution.id),
        expected === undefined
          ? client.hset(metaKey, execution.id, metaJson(execution))
          : setMetaIfScript.run(client, [metaKey], [execution.id, metaJson(expected), metaJson(execution)]),
      ]);
      const events = announce.flatMap((event) => [eventHead(event), event.terminated && carry ? '1' : event.state === 'KILLING' ? '2' : '0']);
      const lines = logs.map(logLineArg);
      // The expected execution's text goes once (see expectedSaveArgs); whole only if the script asks.
      let condition: { given: string; whole: string; head: string; pairs: string[] } = expected === undefined ? { given: '', whole: '', head: '', pairs: [] } : expectedSaveArgs(expected);
      const send = (written: TaskRunFields) => saveExecutionScript.run(client, [key, this.keys.executionLogs(execution.id)], [
        written.head, this.ttlOf(execution), this.keys.eventChannel, this.maxLogEntries, written.whole ? 'w' : 'p',
        condition.given, condition.whole, condition.head, condition.pairs.length / 2, written.pairs.length / 2, lines.length, carry ? whole : '',
        ...condition.pairs, ...written.pairs, ...lines, ...events,
      ]);
      let [, reply] = await Promise.all([indexed, send(fields)]);
      if (reply === -3 && expected !== undefined) {
        // Stored as a string before the hash layout: compared with the expected whole JSON.
        condition = { given: '1', ...expectedArgs(expected) };
        reply = await send(fields);
      }
      if (reply === -2) {
        // Stored before the hash layout (or no longer stored): written whole.
        fields = taskRunFields(execution, undefined, storedTaskRunJson);
        reply = await send(fields);
      }
      if (reply === 0) throw engineErrors.RUNTIME_EXECUTION_CHANGED(execution.id);
    });
  }

  async get(id: string): Promise<Execution | undefined> {
    return this.store.run('get execution', (client) => readExecution(client, this.keys.execution(id)));
  }

  /**
   * The execution and its logs go in one script (one slot); the search index, in the tenant's
   * slot, after it: should that step fail, a search drops the entry when it finds no execution.
   */
  async delete(id: string, { expected }: { readonly expected?: Execution } = {}): Promise<boolean> {
    return this.store.run('delete execution', async (client) => {
      const condition = expected === undefined ? [''] : (({ whole, head, pairs }) => ['1', whole, head, ...pairs])(expectedArgs(expected));
      const [reply, tenantId] = (await deleteExecutionScript.run(client, [this.keys.execution(id), this.keys.executionLogs(id)], condition)) as [number, string];
      if (reply === -1) throw engineErrors.RUNTIME_EXECUTION_CHANGED(id);
      if (reply === 0) return false;
      await pipelined(client.pipeline().zrem(this.keys.executionIndex(tenantId), id).hdel(this.keys.executionMeta(tenantId), id).exec());
      return true;
    });
  }

  async search(query: ExecutionQuery): Promise<Page<Execution>> {
    return this.store.run('search executions', async (client) => {
      const indexKey = this.keys.executionIndex(query.tenantId);
      const page = Math.max(1, Math.floor(query.page));
      const size = Math.max(0, Math.floor(query.size));
      const start = (page - 1) * size;
      const filtered = query.namespace !== undefined || query.flowId !== undefined || query.states !== undefined;
      const [min, max] = scoreRange(query);
      let ids: string[];
      let total: number;
      if (!filtered && min === '-inf' && max === '+inf') {
        // Fast path: the index alone gives the total and the page.
        total = await client.zcard(indexKey);
        ids = size === 0 ? [] : await client.zrevrange(indexKey, start, start + size - 1);
      } else if (!filtered) {
        // Dates alone: the index is scored by creation time, so a range of it is the answer.
        total = await client.zcount(indexKey, min, max);
        ids = size === 0 ? [] : await client.zrevrangebyscore(indexKey, max, min, 'LIMIT', start, size);
      } else {
        const matching = await this.scan(query);
        total = matching.length;
        ids = matching.slice(start, start + size);
      }
      if (ids.length === 0) return { results: [], total };
      // The page in one pipeline (the list route answers each execution with its task runs).
      const found = await readExecutions(client, ids.map((id) => this.keys.execution(id)));
      const results: Execution[] = [];
      const expired: string[] = [];
      found.forEach((execution, i) => {
        if (execution !== undefined) results.push(execution);
        else if (ids[i] !== undefined) expired.push(ids[i]);
      });
      if (expired.length > 0) {
        // Expired between two creates' trims: drop them now so they stop counting.
        await pipelined(client.pipeline().zrem(indexKey, ...expired).hdel(this.keys.executionMeta(query.tenantId), ...expired).exec());
      }
      return { results, total: total - expired.length };
    });
  }

  /** Ids of the tenant matching the query's filters, newest first. */
  private async scan(query: ExecutionQuery): Promise<string[]> {
    const client = this.store.client;
    const [min, max] = scoreRange(query);
    const all = await client.zrevrangebyscore(this.keys.executionIndex(query.tenantId), max, min);
    const states = query.states === undefined ? undefined : new Set<string>(query.states);
    const matching: string[] = [];
    for (let i = 0; i < all.length; i += SCAN_CHUNK) {
      const chunk = all.slice(i, i + SCAN_CHUNK);
      const metas = await client.hmget(this.keys.executionMeta(query.tenantId), ...chunk);
      metas.forEach((json, j) => {
        const id = chunk[j];
        if (json === null || id === undefined) return;
        const [namespace, flowId, state] = JSON.parse(json) as Meta;
        if (query.namespace !== undefined && !inNamespace(namespace, query.namespace)) return;
        if (query.flowId !== undefined && flowId !== query.flowId) return;
        if (states !== undefined && !states.has(state)) return;
        matching.push(id);
      });
    }
    return matching;
  }
}
