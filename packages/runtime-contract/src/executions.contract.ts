import { describe, expect, it, vi } from 'vitest';
import { parseJson } from '@sluice/core';
import type { Execution, ExecutionEvent } from '@sluice/engine';
import { withState } from '@sluice/engine';
import { aLogEntry, anExecution, uniqueTenant } from './builders.js';
import { sleep, type ContractContext } from './harness.js';

const MINUTE = 60_000;

/** Executions created one minute apart, oldest first, so "newest first" has one right answer. */
async function createSeries(ctx: ContractContext, count: number, fields: Partial<Execution>): Promise<Execution[]> {
  const start = Date.now() - count * MINUTE;
  const created: Execution[] = [];
  for (let i = 0; i < count; i++) {
    const execution = anExecution({ ...fields, createdAt: new Date(start + i * MINUTE) });
    await ctx.runtime.executions.create(execution);
    created.push(execution);
  }
  return created;
}

function ids(executions: readonly Execution[]): string[] {
  return executions.map((e) => e.id);
}

/** ExecutionRepository: create, duplicate detection, save (with log lines), get, search. */
export function describeExecutionRepository(ctx: ContractContext): void {
  describe('executions', () => {
    it('gives back a created execution equal to what was stored', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
    });

    it('rejects a second create of the same id with RUNTIME_DUPLICATE_EXECUTION and keeps the first', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      await expect(ctx.runtime.executions.create({ ...execution, flowRevision: 2 })).rejects.toMatchObject({
        code: 'RUNTIME_DUPLICATE_EXECUTION',
      });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
    });

    it('replaces an execution on save', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      const running: Execution = { ...execution, state: withState(execution.state, 'RUNNING'), outputs: { done: false } };
      await ctx.runtime.executions.save(running);
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(running);
    });

    it('stores the log lines given to a save with it, after the lines appended before', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      const before = aLogEntry(execution.id, { message: 'appended' });
      await ctx.runtime.logs.append([before]);
      const lines = [aLogEntry(execution.id, { message: 'one' }), aLogEntry(execution.id, { message: 'two', level: 'WARN' })];
      const running: Execution = { ...execution, state: withState(execution.state, 'RUNNING') };
      await ctx.runtime.executions.save(running, { logs: lines });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(running);
      expect(await ctx.runtime.logs.list(execution.id)).toEqual([before, ...lines]);
    });

    it('refuses a save given a log line of another execution, storing nothing of it', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      const other = anExecution();
      const running: Execution = { ...execution, state: withState(execution.state, 'RUNNING') };
      await expect(ctx.runtime.executions.save(running, { logs: [aLogEntry(execution.id), aLogEntry(other.id)] })).rejects.toThrow(TypeError);
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
      expect(await ctx.runtime.logs.list(execution.id)).toEqual([]);
      expect(await ctx.runtime.logs.list(other.id)).toEqual([]);
    });

    it('saves on the condition that the stored execution is still the expected one, lines, events and search included', async () => {
      const tenantId = uniqueTenant();
      const execution = anExecution({ tenantId });
      await ctx.runtime.executions.create(execution);
      const heard: ExecutionEvent[] = [];
      await ctx.runtime.events.subscribe(execution.id, (e) => heard.push(e));
      const running: Execution = { ...execution, state: withState(execution.state, 'RUNNING') };
      const line = aLogEntry(execution.id, { message: 'started' });
      // An equal copy, not the object the store handed out: the condition is on the content.
      const expected = structuredClone(execution);
      await ctx.runtime.executions.save(running, { expected, logs: [line], announce: [{ executionId: execution.id, state: 'RUNNING', terminated: false }] });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(running);
      expect(await ctx.runtime.logs.list(execution.id)).toEqual([line]);
      await vi.waitFor(() => expect(heard.map((e) => e.state)).toEqual(['RUNNING']), { timeout: ctx.options.deliveryTimeoutMs });
      expect(ids((await ctx.runtime.executions.search({ tenantId, states: ['RUNNING'], page: 1, size: 10 })).results)).toEqual([execution.id]);
    });

    it('refuses a conditional save when the stored execution moved on, storing, announcing and indexing nothing of it', async () => {
      const tenantId = uniqueTenant();
      const execution = anExecution({ tenantId });
      await ctx.runtime.executions.create(execution);
      const cancelled: Execution = { ...execution, state: withState(execution.state, 'CANCELLED') };
      await ctx.runtime.executions.save(cancelled);
      const heard: ExecutionEvent[] = [];
      await ctx.runtime.events.subscribe(execution.id, (e) => heard.push(e));
      const running: Execution = { ...execution, state: withState(execution.state, 'RUNNING') };
      const attempt = ctx.runtime.executions.save(running, {
        expected: execution, logs: [aLogEntry(execution.id)], announce: [{ executionId: execution.id, state: 'RUNNING', terminated: false }],
      });
      await expect(attempt).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(cancelled);
      expect(await ctx.runtime.logs.list(execution.id)).toEqual([]);
      const byState = async (state: 'RUNNING' | 'CANCELLED') =>
        ids((await ctx.runtime.executions.search({ tenantId, states: [state], page: 1, size: 10 })).results);
      expect(await byState('CANCELLED')).toEqual([execution.id]);
      expect(await byState('RUNNING')).toEqual([]);
      await sleep(ctx.options.quietMs);
      expect(heard).toEqual([]);
    });

    it('refuses a conditional save against a different execution under the same id, or none at all', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      const running: Execution = { ...execution, state: withState(execution.state, 'RUNNING') };
      await expect(ctx.runtime.executions.save(running, { expected: { ...execution, flowRevision: execution.flowRevision + 1 } }))
        .rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(execution);
      const unknown = anExecution();
      await expect(ctx.runtime.executions.save(unknown, { expected: unknown })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
      expect(await ctx.runtime.executions.get(unknown.id)).toBeUndefined();
    });

    it('answers undefined for an unknown id', async () => {
      expect(await ctx.runtime.executions.get(anExecution().id)).toBeUndefined();
    });

    it('searches newest first, in pages, with the total', async () => {
      const tenantId = uniqueTenant();
      const [e0, e1, e2, e3, e4] = await createSeries(ctx, 5, { tenantId });
      const search = (page: number, size: number) => ctx.runtime.executions.search({ tenantId, page, size });
      const first = await search(1, 2);
      expect(first.total).toBe(5);
      expect(ids(first.results)).toEqual(ids([e4!, e3!]));
      expect(ids((await search(2, 2)).results)).toEqual(ids([e2!, e1!]));
      expect(ids((await search(3, 2)).results)).toEqual(ids([e0!]));
      expect(await search(4, 2)).toEqual({ results: [], total: 5 });
      expect((await search(1, 10)).results).toEqual([e4, e3, e2, e1, e0]);
    });

    it('filters a search by namespace, flow id and states, paging the matches', async () => {
      const tenantId = uniqueTenant();
      const [salesA] = await createSeries(ctx, 1, { tenantId, namespace: 'acme.sales', flowId: 'a' });
      const [salesB] = await createSeries(ctx, 1, { tenantId, namespace: 'acme.sales', flowId: 'b' });
      const [otherA] = await createSeries(ctx, 1, { tenantId, namespace: 'other', flowId: 'a' });
      await ctx.runtime.executions.save({ ...salesB!, state: withState(salesB!.state, 'RUNNING') });
      await ctx.runtime.executions.save({ ...otherA!, state: withState(withState(otherA!.state, 'RUNNING'), 'SUCCESS') });
      const search = (filters: object, page = 1, size = 10) =>
        ctx.runtime.executions.search({ tenantId, page, size, ...filters }).then((p) => ({ ids: ids(p.results), total: p.total }));

      expect(await search({ namespace: 'acme.sales' })).toEqual({ ids: ids([salesB!, salesA!]), total: 2 });
      expect(await search({ flowId: 'a' })).toEqual({ ids: ids([otherA!, salesA!]), total: 2 });
      expect(await search({ namespace: 'acme.sales', flowId: 'a' })).toEqual({ ids: ids([salesA!]), total: 1 });
      expect(await search({ states: ['SUCCESS'] })).toEqual({ ids: ids([otherA!]), total: 1 });
      expect(await search({ states: ['CREATED', 'RUNNING'] })).toEqual({ ids: ids([salesB!, salesA!]), total: 2 });
      expect(await search({ states: ['FAILED'] })).toEqual({ ids: [], total: 0 });
      expect(await search({ flowId: 'a' }, 2, 1)).toEqual({ ids: ids([salesA!]), total: 2 });
    });

    it('filters a search by creation date, bounds included, alone and with other filters', async () => {
      const tenantId = uniqueTenant();
      const series = await createSeries(ctx, 5, { tenantId });
      const [e0, e1, e2, e3, e4] = series;
      const at = (e: Execution | undefined): string => e!.state.histories[0]!.date;
      const search = (filters: object, page = 1, size = 10) =>
        ctx.runtime.executions.search({ tenantId, page, size, ...filters }).then((p) => ({ ids: ids(p.results), total: p.total }));
      expect(await search({ startDate: at(e1), endDate: at(e3) })).toEqual({ ids: ids([e3!, e2!, e1!]), total: 3 });
      expect(await search({ startDate: at(e3) })).toEqual({ ids: ids([e4!, e3!]), total: 2 });
      expect(await search({ endDate: at(e0) })).toEqual({ ids: ids([e0!]), total: 1 });
      expect(await search({ startDate: at(e1), endDate: at(e3) }, 2, 2)).toEqual({ ids: ids([e1!]), total: 3 });
      expect(await search({ startDate: at(e1), endDate: at(e3), states: ['CREATED'], flowId: e2!.flowId }, 1, 2)).toEqual({ ids: ids([e3!, e2!]), total: 3 });
      expect(await search({ startDate: new Date(Date.now() + MINUTE).toISOString() })).toEqual({ ids: [], total: 0 });
    });

    it('deletes an execution with its log lines, out of searches too; false for an unknown id', async () => {
      const tenantId = uniqueTenant();
      const [kept, gone] = await createSeries(ctx, 2, { tenantId, flowId: 'deleted' });
      if (!kept || !gone) throw new Error('two executions expected');
      await ctx.runtime.logs.append([aLogEntry(gone.id), aLogEntry(kept.id)]);
      expect(await ctx.runtime.executions.delete(gone.id)).toBe(true);
      expect(await ctx.runtime.executions.get(gone.id)).toBeUndefined();
      expect(await ctx.runtime.logs.list(gone.id)).toEqual([]);
      expect(await ctx.runtime.logs.list(kept.id)).toHaveLength(1);
      const found = await ctx.runtime.executions.search({ tenantId, page: 1, size: 10 });
      expect({ ids: ids(found.results), total: found.total }).toEqual({ ids: [kept.id], total: 1 });
      const filtered = await ctx.runtime.executions.search({ tenantId, flowId: 'deleted', page: 1, size: 10 });
      expect(ids(filtered.results)).toEqual([kept.id]);
      expect(await ctx.runtime.executions.delete(gone.id)).toBe(false);
      expect(await ctx.runtime.executions.delete(`never-${gone.id}`)).toBe(false);
    });

    it('deletes with an expected execution only while it is still that one', async () => {
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      const read = await ctx.runtime.executions.get(execution.id);
      if (!read) throw new Error('created execution not found');
      const restarted: Execution = { ...execution, state: withState(execution.state, 'RUNNING') };
      await ctx.runtime.executions.save(restarted);
      await expect(ctx.runtime.executions.delete(execution.id, { expected: read })).rejects.toMatchObject({ code: 'RUNTIME_EXECUTION_CHANGED' });
      expect(await ctx.runtime.executions.get(execution.id)).toEqual(restarted);
      const current = await ctx.runtime.executions.get(execution.id);
      expect(await ctx.runtime.executions.delete(execution.id, current ? { expected: current } : {})).toBe(true);
      expect(await ctx.runtime.executions.get(execution.id)).toBeUndefined();
    });

    it('deletes with an expected execution that holds an integer beyond 2^53 (kept exact)', async () => {
      const body = parseJson('{"order":9007199254740993}') as Record<string, unknown>;
      const execution = anExecution({ tenantId: uniqueTenant(), trigger: { id: 'hook', type: 'io.kestra.plugin.core.trigger.Webhook', variables: { body } } });
      await ctx.runtime.executions.create(execution);
      const read = await ctx.runtime.executions.get(execution.id);
      if (!read) throw new Error('created execution not found');
      expect(await ctx.runtime.executions.delete(execution.id, { expected: read })).toBe(true);
      expect(await ctx.runtime.executions.get(execution.id)).toBeUndefined();
    });

    it('keeps searches within their tenant', async () => {
      const tenantId = uniqueTenant();
      await createSeries(ctx, 2, { tenantId: uniqueTenant() });
      const mine = await createSeries(ctx, 1, { tenantId });
      const page = await ctx.runtime.executions.search({ tenantId, page: 1, size: 10 });
      expect(page).toEqual({ results: mine, total: 1 });
      expect(await ctx.runtime.executions.search({ tenantId: uniqueTenant(), page: 1, size: 10 })).toEqual({ results: [], total: 0 });
    });

    // Only a store shared by several instances can be held to this; the memory runtime has none.
    if (ctx.options.sharedStore) it('shares executions and duplicate detection across instances', async () => {
      const other = await ctx.another();
      const execution = anExecution({ tenantId: uniqueTenant() });
      await ctx.runtime.executions.create(execution);
      expect(await other.executions.get(execution.id)).toEqual(execution);
      await expect(other.executions.create(execution)).rejects.toMatchObject({ code: 'RUNTIME_DUPLICATE_EXECUTION' });
    });
  });
}
