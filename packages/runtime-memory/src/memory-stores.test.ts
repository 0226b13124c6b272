import { describe, expect, it, vi } from 'vitest';
import { newState, type Execution, type FlowRevision, type LogEntry, type StateType } from '@sluice/engine';
import { createMemoryRuntime } from './index.js';

type FlowInput = Omit<FlowRevision, 'revision' | 'updated' | 'deleted'>;

const flow = (id: string, source = `id: ${id}`, namespace = 'company.team'): FlowInput => ({
  tenantId: 'main', id, namespace, labels: [], inputs: [], variables: {}, outputs: [], tasks: [], triggers: [],
  disabled: false, extra: {}, source,
});

let clock = 0;
function execution(id: string, state: StateType = 'CREATED', more: Partial<Execution> = {}): Execution {
  return {
    tenantId: 'main', id, namespace: 'company.team', flowId: 'f', flowRevision: 1, taskRunList: [], inputs: {}, labels: [],
    state: newState(state, new Date(Date.UTC(2024, 0, 1, 0, 0, clock++))),
    metadata: { attemptNumber: 1, originalCreatedDate: '2024-01-01T00:00:00.000Z' },
    ...more,
  };
}

const key = (id: string, namespace = 'company.team') => ({ tenantId: 'main', namespace, id });

describe('memory flows', () => {
  it('numbers revisions, keeps them all, and does not grow on an identical source', async () => {
    const runtime = createMemoryRuntime({ now: () => new Date('2024-01-01T00:00:00Z') });
    expect((await runtime.flows.save(flow('a'))).revision).toBe(1);
    expect((await runtime.flows.save(flow('a'))).revision).toBe(1);
    const second = await runtime.flows.save(flow('a', 'id: a\n# changed'));
    expect(second).toMatchObject({ revision: 2, deleted: false, updated: '2024-01-01T00:00:00.000Z' });
    expect((await runtime.flows.revisions(key('a'))).map((r) => r.revision)).toEqual([1, 2]);
    expect((await runtime.flows.get(key('a')))?.source).toBe('id: a\n# changed');
    expect((await runtime.flows.getRevision(key('a'), 1))?.source).toBe('id: a');
  });

  it('records a deletion as a revision; get hides it, getRevision does not', async () => {
    const runtime = createMemoryRuntime();
    await runtime.flows.save(flow('a'));
    expect(await runtime.flows.delete(key('a'))).toBe(true);
    expect(await runtime.flows.delete(key('a'))).toBe(false);
    expect(await runtime.flows.delete(key('nope'))).toBe(false);
    expect(await runtime.flows.get(key('a'))).toBeUndefined();
    expect(await runtime.flows.getRevision(key('a'), 1)).toBeDefined();
    expect((await runtime.flows.getRevision(key('a'), 2))?.deleted).toBe(true);
    expect((await runtime.flows.save(flow('a'))).revision).toBe(3);
  });

  it('lists live flows of a tenant, within a namespace and its children', async () => {
    const runtime = createMemoryRuntime();
    await runtime.flows.save(flow('a', 'a', 'company'));
    await runtime.flows.save(flow('b', 'b', 'company.team'));
    await runtime.flows.save(flow('c', 'c', 'companyx'));
    await runtime.flows.save({ ...flow('d', 'd'), tenantId: 'other' });
    await runtime.flows.save(flow('e', 'e', 'company'));
    await runtime.flows.delete(key('e', 'company'));
    expect((await runtime.flows.list('main')).map((f) => f.id)).toEqual(['a', 'b', 'c']);
    expect((await runtime.flows.list('main', 'company')).map((f) => f.id)).toEqual(['a', 'b']);
  });

  it('tells watchers about saves and deletes, and survives a throwing watcher', async () => {
    const runtime = createMemoryRuntime();
    const seen: unknown[] = [];
    await runtime.flows.watch(() => {
      throw new Error('boom');
    });
    const stop = await runtime.flows.watch((change) => seen.push(change));
    await runtime.flows.save(flow('a'));
    await runtime.flows.save(flow('a'));
    await runtime.flows.delete(key('a'));
    await stop();
    await runtime.flows.save(flow('a', 'again'));
    expect(seen).toEqual([{ key: key('a'), revision: 1, deleted: false }, { key: key('a'), revision: 2, deleted: true }]);
  });

  it('hands out copies, never its own objects', async () => {
    const runtime = createMemoryRuntime();
    const saved = await runtime.flows.save(flow('a'));
    (saved.variables as Record<string, unknown>).x = 1;
    expect((await runtime.flows.get(key('a')))?.variables).toEqual({});
  });
});

describe('memory executions', () => {
  it('creates once, then saves and reads back frozen snapshots that share nothing with the caller', async () => {
    const runtime = createMemoryRuntime();
    const e = execution('e1');
    await runtime.executions.create(e);
    await expect(runtime.executions.create(e)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
    const inputs = { a: 1 };
    await runtime.executions.save({ ...e, inputs });
    inputs.a = 2;
    const read = await runtime.executions.get('e1');
    expect(read?.inputs).toEqual({ a: 1 });
    expect(() => ((read as { inputs: Record<string, unknown> }).inputs.a = 3)).toThrow(TypeError);
    expect((await runtime.executions.get('e1'))?.inputs).toEqual({ a: 1 });
    expect(await runtime.executions.get('missing')).toBeUndefined();
  });

  it('searches newest first with filters and 1-based pages', async () => {
    const runtime = createMemoryRuntime();
    for (let i = 0; i < 5; i++) await runtime.executions.create(execution(`e${i}`, i % 2 ? 'SUCCESS' : 'FAILED'));
    await runtime.executions.create(execution('other-flow', 'SUCCESS', { flowId: 'g' }));
    await runtime.executions.create(execution('other-ns', 'SUCCESS', { namespace: 'elsewhere' }));
    const all = await runtime.executions.search({ tenantId: 'main', namespace: 'company.team', flowId: 'f', page: 1, size: 2 });
    expect(all.total).toBe(5);
    expect(all.results.map((e) => e.id)).toEqual(['e4', 'e3']);
    const page3 = await runtime.executions.search({ tenantId: 'main', namespace: 'company.team', flowId: 'f', page: 3, size: 2 });
    expect(page3.results.map((e) => e.id)).toEqual(['e0']);
    const failed = await runtime.executions.search({ tenantId: 'main', namespace: 'company', states: ['FAILED'], page: 1, size: 10 });
    expect(failed.results.map((e) => e.id)).toEqual(['e4', 'e2', 'e0']);
    expect((await runtime.executions.search({ tenantId: 'other', page: 1, size: 10 })).total).toBe(0);
  });

  it('drops the oldest terminated executions and their logs past maxExecutions, never running ones', async () => {
    const runtime = createMemoryRuntime({ retention: { maxExecutions: 2 } });
    const log = (executionId: string): LogEntry => ({
      tenantId: 'main', namespace: 'company.team', flowId: 'f', executionId, timestamp: '2024-01-01T00:00:00.000Z', level: 'INFO', message: 'm',
    });
    await runtime.executions.create(execution('running', 'RUNNING'));
    await runtime.executions.create(execution('old', 'SUCCESS'));
    await runtime.logs.append([log('old'), log('running')]);
    await runtime.executions.create(execution('new', 'SUCCESS'));
    expect(await runtime.executions.get('old')).toBeUndefined();
    expect(await runtime.logs.list('old')).toEqual([]);
    expect(await runtime.executions.get('running')).toBeDefined();
    expect(await runtime.logs.list('running')).toHaveLength(1);
    await runtime.executions.create(execution('newer', 'CREATED'));
    // Only running/created ones left beyond the bound: kept, the store overflows rather than lose work.
    expect((await runtime.executions.search({ tenantId: 'main', page: 1, size: 10 })).results.map((e) => e.id)).toEqual(['newer', 'running']);
  });

  it('drops terminated executions older than maxAgeSeconds and their logs, never running ones', async () => {
    // The executions of this file are dated 2024: every one is older than an hour.
    // The age is checked at most once a second: this clock moves on by two at every reading.
    let ms = Date.now();
    const runtime = createMemoryRuntime({ retention: { maxAgeSeconds: 3600 }, now: () => new Date((ms += 2000)) });
    await runtime.executions.create(execution('aged-running', 'RUNNING'));
    const aged = execution('aged-done', 'RUNNING');
    await runtime.executions.create(aged);
    await runtime.logs.append([{ tenantId: 'main', namespace: 'company.team', flowId: 'f', executionId: 'aged-done', timestamp: '2024-01-01T00:00:00.000Z', level: 'INFO', message: 'm' }]);
    await runtime.executions.save({ ...aged, state: { ...aged.state, current: 'SUCCESS' } });
    await runtime.executions.create({ ...execution('young', 'SUCCESS'), state: newState('SUCCESS', new Date(ms)) });
    expect(await runtime.executions.get('aged-done')).toBeUndefined();
    expect(await runtime.logs.list('aged-done')).toEqual([]);
    expect(await runtime.executions.get('aged-running')).toBeDefined();
    expect(await runtime.executions.get('young')).toBeDefined();
  });

  it('keeps the newest maxLogsPerExecution lines of an execution', async () => {
    const runtime = createMemoryRuntime({ retention: { maxLogsPerExecution: 2 } });
    const line = (message: string): LogEntry => ({ tenantId: 'main', namespace: 'n', flowId: 'f', executionId: 'e', timestamp: '2024-01-01T00:00:00.000Z', level: 'INFO', message });
    await runtime.logs.append([line('1'), line('2'), line('3')]);
    await runtime.logs.append([line('4')]);
    expect((await runtime.logs.list('e')).map((l) => l.message)).toEqual(['3', '4']);
  });
});

describe('memory logs', () => {
  it('keeps append order and filters by level, task and task run', async () => {
    const runtime = createMemoryRuntime();
    const entry = (message: string, level: LogEntry['level'], taskId?: string, taskRunId?: string): LogEntry => ({
      tenantId: 'main', namespace: 'n', flowId: 'f', executionId: 'e', timestamp: '2024-01-01T00:00:00.000Z', level, message,
      ...(taskId ? { taskId } : {}), ...(taskRunId ? { taskRunId } : {}),
    });
    await runtime.logs.append([entry('1', 'DEBUG', 'a', 'ra'), entry('2', 'INFO', 'a', 'ra')]);
    await runtime.logs.append([entry('3', 'ERROR', 'b', 'rb')]);
    expect((await runtime.logs.list('e')).map((e) => e.message)).toEqual(['1', '2', '3']);
    expect((await runtime.logs.list('e', { minLevel: 'INFO' })).map((e) => e.message)).toEqual(['2', '3']);
    expect((await runtime.logs.list('e', { taskId: 'a' })).map((e) => e.message)).toEqual(['1', '2']);
    expect((await runtime.logs.list('e', { taskRunId: 'rb' })).map((e) => e.message)).toEqual(['3']);
    expect(await runtime.logs.list('none')).toEqual([]);
  });
});

describe('memory events', () => {
  it('delivers later events of one execution to its subscribers until they unsubscribe', async () => {
    const runtime = createMemoryRuntime();
    const seen = vi.fn();
    const stop = await runtime.events.subscribe('e1', seen);
    await runtime.events.subscribe('e1', () => {
      throw new Error('a broken follower');
    });
    await runtime.events.publish({ executionId: 'e2', state: 'RUNNING', terminated: false });
    await runtime.events.publish({ executionId: 'e1', state: 'RUNNING', terminated: false });
    await stop();
    await runtime.events.publish({ executionId: 'e1', state: 'SUCCESS', terminated: true });
    expect(seen.mock.calls).toEqual([[{ executionId: 'e1', state: 'RUNNING', terminated: false }]]);
  });
});

describe('memory runtime lifecycle', () => {
  it('says what it is, answers ping, and answers RUNTIME_UNAVAILABLE once closed', async () => {
    const runtime = createMemoryRuntime();
    expect(runtime).toMatchObject({ name: 'memory', durable: false });
    await runtime.ping();
    await runtime.close();
    await runtime.close();
    await expect(runtime.ping()).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE', retryable: true });
    await expect(runtime.executions.get('x')).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    await expect(runtime.queue.enqueue('x')).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
  });
});
