import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { stringifyJson } from '@sluice/core';
import { withState, type Execution, type ExecutionEvent, type Runtime, type TaskRun } from '@sluice/engine';
import { aLogEntry, aTaskRun, anExecution } from '@sluice/runtime-contract';
import { monitorRedis } from '../test/redis-monitor.js';
import { createBullmqRuntime, createKeys } from './index.js';

/**
 * The execution hash against the real Redis on 127.0.0.1:6379: a prefix per test, every key
 * under them deleted at the end (never FLUSH*).
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUN = `sluice-test-${randomBytes(4).toString('hex')}`;
const prefixes = new Set<string>();
const opened: Runtime[] = [];
const admin = new Redis(REDIS_URL);

async function runtime(name: string): Promise<{ rt: Runtime; keys: ReturnType<typeof createKeys> }> {
  const prefix = `${RUN}-${name}`;
  prefixes.add(prefix);
  const rt = await createBullmqRuntime({ redisUrl: REDIS_URL, prefix, retention: { executionsTtlSeconds: 600 } });
  opened.push(rt);
  await rt.ping();
  return { rt, keys: createKeys(prefix) };
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((rt) => rt.close()));
});

afterAll(async () => {
  for (const prefix of prefixes) {
    for await (const batch of admin.scanStream({ match: `${prefix}:*`, count: 500 })) {
      const keys = batch as string[];
      if (keys.length > 0) await admin.unlink(...keys);
    }
  }
  await admin.quit();
});

/** An execution RUNNING with `count` task runs, each holding an integer beyond 2^53. */
function withRuns(count: number): Execution {
  const execution = anExecution();
  const taskRunList = Array.from({ length: count }, (_, i) => aTaskRun(execution, { taskId: `t${i}`, outputs: { i, big: 2n ** 70n + BigInt(i) } }));
  return { ...execution, state: withState(execution.state, 'RUNNING'), taskRunList };
}

const replaced = (execution: Execution, at: number, run: TaskRun): Execution => ({ ...execution, taskRunList: execution.taskRunList.map((r, i) => (i === at ? run : r)) });

describe('the BullMQ runtime\'s execution hash', () => {
  it('writes the head and the fields of the task runs a save names, leaving the other fields and the expiry', async () => {
    const { rt, keys } = await runtime('fields');
    const execution = withRuns(4);
    await rt.executions.create(anExecution({ id: execution.id }));
    await rt.executions.save(execution);
    const key = keys.execution(execution.id);
    // Another text in a field the next save will not name: it must stay.
    const kept = execution.taskRunList[0] as TaskRun;
    await admin.hset(key, `t:${kept.id}`, '0|untouched');
    const changed: TaskRun = { ...(execution.taskRunList[2] as TaskRun), outputs: { n: 2n ** 80n } };
    const added = aTaskRun(execution, { taskId: 'added' });
    const next = { ...replaced(execution, 2, changed), taskRunList: [...replaced(execution, 2, changed).taskRunList, added], outputs: { head: 1 } };
    await rt.executions.save(next, { taskRuns: [changed.id, added.id] });
    const fields = await admin.hgetall(key);
    expect(Object.keys(fields).sort()).toEqual(['h', ...next.taskRunList.map((run) => `t:${run.id}`)].sort());
    expect(fields[`t:${kept.id}`]).toBe('0|untouched');
    expect(fields[`t:${changed.id}`]).toBe(`2|${stringifyJson(changed)}`);
    expect(fields[`t:${added.id}`]).toBe(`4|${stringifyJson(added)}`);
    expect(fields.h).toBe(stringifyJson({ ...next, taskRunList: [] }));
    // Live: no expiry until it ends (the retention runs from the end).
    expect(await admin.ttl(key)).toBe(-1);
  });

  it('reads an execution stored as a string before the hash layout, and its next save writes it whole as a hash', async () => {
    const { rt, keys } = await runtime('old-string');
    const execution = withRuns(3);
    await rt.executions.create(execution);
    const key = keys.execution(execution.id);
    await admin.del(key);
    await admin.set(key, stringifyJson(execution), 'EX', 600);
    const read = await rt.executions.get(execution.id);
    expect(read).toEqual(execution);
    expect(read?.taskRunList[1]?.outputs.big).toBe(2n ** 70n + 1n);
    expect((await rt.executions.search({ tenantId: 'main', page: 1, size: 10 })).results).toEqual([execution]);

    // The executor's save, conditional on the execution as read and naming one task run.
    const changed: TaskRun = { ...(execution.taskRunList[1] as TaskRun), outputs: { again: 2n ** 64n + 1n } };
    const next = { ...replaced(execution, 1, changed), state: withState(execution.state, 'SUCCESS') };
    const heard: ExecutionEvent[] = [];
    await rt.events.subscribe(execution.id, (event) => heard.push(event));
    await rt.executions.save(next, { taskRuns: [changed.id], expected: read as Execution, logs: [aLogEntry(execution.id)], announce: [{ executionId: execution.id, state: 'SUCCESS', terminated: true }] });
    expect(await admin.type(key)).toBe('hash');
    expect(await admin.hlen(key)).toBe(4);
    expect(await rt.executions.get(execution.id)).toEqual(next);
    expect(await admin.ttl(key)).toBeGreaterThan(500);
    expect(await rt.logs.list(execution.id)).toHaveLength(1);
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    expect(heard[0]?.execution).toEqual(next);
  });

  it('refuses to create or submit an id already stored, as a hash or as a string of the layout before, by either way a create is written', async () => {
    const { rt, keys } = await runtime('duplicate-create');
    // A new execution takes the one-command create (HSETNX), one with task runs the script.
    for (const execution of [anExecution(), withRuns(2)]) {
      const key = keys.execution(execution.id);
      await rt.executions.create(execution);
      await expect(rt.executions.create(execution)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
      await expect(rt.submit(execution)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
      await admin.del(key);
      await admin.set(key, stringifyJson(execution));
      await expect(rt.executions.create(execution)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
      await expect(rt.submit(execution)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
      // Left as it was: still the string, readable.
      expect(await admin.type(key)).toBe('string');
      expect(await rt.executions.get(execution.id)).toEqual(execution);
    }
  });

  it('creates a new execution as its head alone, and one created ended with the retention as its expiry', async () => {
    const { rt, keys } = await runtime('create-fields');
    const created = anExecution({ inputs: { big: 2n ** 70n } });
    await rt.submit(created);
    expect(await admin.hgetall(keys.execution(created.id))).toEqual({ h: stringifyJson(created) });
    expect(await admin.ttl(keys.execution(created.id))).toBe(-1);
    const ended = { ...anExecution(), state: withState(anExecution().state, 'SUCCESS') };
    await rt.executions.create(ended);
    expect(await admin.hgetall(keys.execution(ended.id))).toEqual({ h: stringifyJson(ended) });
    expect(await admin.ttl(keys.execution(ended.id))).toBeGreaterThan(500);
  });

  it('compares a conditional save and delete with an execution stored as a string', async () => {
    const { rt, keys } = await runtime('old-expected');
    const execution = withRuns(2);
    await rt.executions.create(execution);
    await admin.set(keys.execution(execution.id), stringifyJson(execution));
    const stale = replaced(execution, 0, { ...(execution.taskRunList[0] as TaskRun), outputs: {} });
    await expect(rt.executions.save(execution, { expected: stale })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
    await expect(rt.executions.delete(execution.id, { expected: stale })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
    expect(await admin.type(keys.execution(execution.id))).toBe('string');
    expect(await rt.executions.delete(execution.id, { expected: execution })).toBe(true);
    expect(await rt.executions.get(execution.id)).toBeUndefined();
  });

  it('a conditional save sends the text of the execution it expects once', async () => {
    const { rt } = await runtime('expected-once');
    const created = anExecution({ inputs: { name: 'wörld 🚀' } });
    await rt.executions.create(created);
    const text = stringifyJson(created);
    const watcher = await monitorRedis(REDIS_URL);
    const sent = (): (readonly string[])[] => watcher.commands.filter((args) => args.includes(text));
    try {
      // What the worker's first save of a carried execution does: expected is the stored CREATED one.
      const running = { ...created, state: withState(created.state, 'RUNNING') };
      await rt.executions.save(running, { expected: created, announce: [{ executionId: created.id, state: 'RUNNING', terminated: false }] });
      await vi.waitFor(() => expect(sent()).toHaveLength(1));
      expect(sent()[0]!.filter((arg) => arg === text)).toHaveLength(1);
      expect(await rt.executions.get(created.id)).toEqual(running);
      // And it still refuses a save expecting what is no longer stored.
      await expect(rt.executions.save({ ...created, state: withState(created.state, 'FAILED') }, { expected: created })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
    } finally {
      watcher.close();
    }
  });

  it('compares a conditional save expecting an execution without task runs with one stored as a string', async () => {
    const { rt, keys } = await runtime('old-expected-head');
    const created = anExecution();
    await rt.executions.create(created);
    await admin.del(keys.execution(created.id));
    await admin.set(keys.execution(created.id), stringifyJson(created));
    const other = { ...created, labels: [{ key: 'other', value: 'x' }] };
    await expect(rt.executions.save(created, { expected: other })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
    expect(await admin.type(keys.execution(created.id))).toBe('string');
    const running = { ...created, state: withState(created.state, 'RUNNING') };
    await rt.executions.save(running, { expected: created });
    expect(await admin.type(keys.execution(created.id))).toBe('hash');
    expect(await rt.executions.get(created.id)).toEqual(running);
  });

  it('a save naming task runs, sent again after it was applied, stores its lines and events once', async () => {
    const { rt } = await runtime('resent');
    const execution = withRuns(3);
    await rt.executions.create(anExecution({ id: execution.id }));
    await rt.executions.save(execution);
    const heard: ExecutionEvent[] = [];
    await rt.events.subscribe(execution.id, (event) => heard.push(event));
    const changed: TaskRun = { ...(execution.taskRunList[2] as TaskRun), outputs: { once: true } };
    const next = replaced(execution, 2, changed);
    const save = { taskRuns: [changed.id], logs: [aLogEntry(execution.id, { message: 'once' })], announce: [{ executionId: execution.id, state: 'RUNNING' as const, terminated: false }] };
    await rt.executions.save(next, save);
    await rt.executions.save(next, save);
    expect((await rt.logs.list(execution.id)).map((line) => line.message)).toEqual(['once']);
    await vi.waitFor(() => expect(heard).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(1);
    expect(await rt.executions.get(execution.id)).toEqual(next);
  });

  it('a save naming task runs of an execution no longer stored writes it whole', async () => {
    const { rt, keys } = await runtime('gone');
    const execution = withRuns(3);
    await rt.executions.create(anExecution({ id: execution.id }));
    await admin.del(keys.execution(execution.id));
    await rt.executions.save(execution, { taskRuns: [(execution.taskRunList[2] as TaskRun).id] });
    expect(await rt.executions.get(execution.id)).toEqual(execution);
  });
});
