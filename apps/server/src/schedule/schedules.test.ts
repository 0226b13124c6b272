import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { createRegistry, mapSecrets, scheduleExecutionId, type Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import schedulePlugin from '@sluice/plugin-trigger-schedule';
import { countingFlows, LOG_PLUGIN, saveFlowYaml } from '../../test/flows.js';
import { createMetrics } from '../metrics.js';
import type { ServerContext } from '../server-context.js';
import { handleTick, startSchedules, type Schedules } from './schedules.js';

const registry = createRegistry([
  { pkg: schedulePlugin, info: { name: '@sluice/plugin-trigger-schedule', version: '0', path: '', types: ['io.kestra.plugin.core.trigger.Schedule'] } },
  LOG_PLUGIN,
]);

const flowYaml = (id: string, { cron = '0 0 * * *', disabled = false, triggerDisabled = false } = {}) => `id: ${id}
namespace: company.team
${disabled ? 'disabled: true\n' : ''}tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "tick {{ trigger.date }}"
triggers:
  - id: schedule
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "${cron}"
${cron.split(' ').length === 6 ? '    withSeconds: true\n' : ''}${triggerDisabled ? '    disabled: true\n' : ''}`;

const save = (runtime: Runtime, yaml: string) => saveFlowYaml(runtime.flows, yaml, registry);

function context(runtime: Runtime): ServerContext {
  return {
    runtime, registry, secrets: mapSecrets({}), logger: pino({ level: 'silent' }), metrics: createMetrics(),
  } as unknown as ServerContext;
}

/** A plugin logger that drops every line. */
const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

const ids = async (runtime: Runtime) => (await runtime.schedules.list()).map((s) => s.id);

describe('startSchedules', () => {
  const open: { runtime: Runtime; schedules?: Schedules }[] = [];
  afterEach(async () => {
    for (const { runtime, schedules } of open.splice(0)) {
      await schedules?.close(0);
      await runtime.close();
    }
  });

  it('schedules the flows there are at start, and removes stored schedules no flow asks for', async () => {
    const runtime = createMemoryRuntime();
    await save(runtime, flowYaml('a'));
    await save(runtime, flowYaml('off', { disabled: true }));
    const stale = await save(runtime, flowYaml('stale'));
    await runtime.schedules.upsert({ id: 'main/company.team/gone/schedule', flowKey: { tenantId: 'main', namespace: 'company.team', id: 'gone' }, triggerId: 'schedule', revision: 1, version: 'v', next: () => undefined });
    await runtime.flows.delete(stale);
    const schedules = await startSchedules(context(runtime), { consume: false });
    open.push({ runtime, schedules });
    expect(schedules.active()).toBe(1);
    expect(await ids(runtime)).toEqual(['main/company.team/a/schedule']);
  });

  it('follows every change at once: add, disable the trigger, enable, change the cron, disable the flow, delete', async () => {
    const runtime = createMemoryRuntime();
    const schedules = await startSchedules(context(runtime), { consume: false });
    open.push({ runtime, schedules });
    const listed = async () => (await runtime.schedules.list()).map((s) => [s.id, s.revision, s.next?.toISOString()]);
    const id = 'main/company.team/f/schedule';

    await save(runtime, flowYaml('f'));
    await vi.waitFor(async () => expect((await listed())[0]?.[0]).toBe(id));
    await save(runtime, flowYaml('f', { triggerDisabled: true }));
    await vi.waitFor(async () => expect(await listed()).toEqual([]));
    await save(runtime, flowYaml('f'));
    await vi.waitFor(async () => expect((await listed())[0]?.[1]).toBe(3));
    await save(runtime, flowYaml('f', { cron: '0 12 * * *' }));
    await vi.waitFor(async () => expect((await listed())[0]?.[2]).toMatch(/T12:00:00\.000Z$/));
    await save(runtime, flowYaml('f', { disabled: true }));
    await vi.waitFor(async () => expect(await listed()).toEqual([]));
    await save(runtime, flowYaml('f'));
    await vi.waitFor(async () => expect((await listed()).length).toBe(1));
    await runtime.flows.delete({ tenantId: 'main', namespace: 'company.team', id: 'f' });
    await vi.waitFor(async () => expect(await listed()).toEqual([]));
  });

  it('resyncs by listing every flow only when their version moved, or every so many periods', async () => {
    const runtime = createMemoryRuntime();
    await save(runtime, flowYaml('a'));
    // Misses every notice once deafened, so only a resync can schedule what is saved later.
    const { flows, lists, deafen } = countingFlows(runtime.flows);
    const counted = { ...runtime, flows } as Runtime;
    const quiet = await startSchedules(context(counted), { consume: false, resyncMs: 10, fullResyncEvery: 1_000_000 });
    try {
      expect(lists()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(lists()).toBe(1);
      deafen();
      await save(runtime, flowYaml('b'));
      await vi.waitFor(async () => expect(await ids(runtime)).toContain('main/company.team/b/schedule'), { timeout: 2000, interval: 10 });
      expect(lists()).toBe(2);
    } finally {
      await quiet.close(0);
    }
    // With a forced listing every third period, it lists though nothing moved.
    const forced = await startSchedules(context(counted), { consume: false, resyncMs: 10, fullResyncEvery: 3 });
    open.push({ runtime, schedules: forced });
    const before = lists();
    await vi.waitFor(() => expect(lists()).toBeGreaterThanOrEqual(before + 2), { timeout: 5000, interval: 10 });
  });

  it('turns ticks into stored, queued executions with the tick dates', async () => {
    const runtime = createMemoryRuntime();
    const schedules = await startSchedules(context(runtime), { consume: true });
    open.push({ runtime, schedules });
    await save(runtime, flowYaml('every', { cron: '* * * * * *' }));
    const found = await vi.waitFor(async () => {
      const page = await runtime.executions.search({ tenantId: 'main', flowId: 'every', page: 1, size: 10 });
      expect(page.total).toBeGreaterThanOrEqual(2);
      return page.results;
    }, { timeout: 5000, interval: 50 });
    for (const execution of found) {
      const date = (execution.trigger?.variables as { date: string }).date;
      expect(execution.id).toBe(scheduleExecutionId('main/company.team/every/schedule', new Date(date)));
    }
    expect((await runtime.queue.counts()).waiting).toBeGreaterThanOrEqual(2);
  });
});

describe('handleTick', () => {
  it('stores one execution for a tick delivered twice, and queues it', async () => {
    const runtime = createMemoryRuntime();
    try {
      await save(runtime, flowYaml('twice'));
      const s = context(runtime);
      const tick = { scheduleId: 'main/company.team/twice/schedule', flowKey: { tenantId: 'main', namespace: 'company.team', id: 'twice' }, triggerId: 'schedule', date: new Date('2024-07-01T00:00:00Z') };
      await handleTick(s, tick, silent, s.logger);
      await handleTick(s, tick, silent, s.logger);
      const page = await runtime.executions.search({ tenantId: 'main', flowId: 'twice', page: 1, size: 10 });
      expect(page.total).toBe(1);
      expect(page.results[0]?.trigger?.variables).toEqual({ date: '2024-07-01T00:00:00Z', next: '2024-07-02T00:00:00Z', previous: '2024-06-30T00:00:00Z' });
      expect(await runtime.queue.counts()).toMatchObject({ waiting: 1 });
    } finally {
      await runtime.close();
    }
  });

  it('starts nothing for a tick of a disabled or deleted flow', async () => {
    const runtime = createMemoryRuntime();
    try {
      await save(runtime, flowYaml('gone', { disabled: true }));
      const s = context(runtime);
      await handleTick(s, { scheduleId: 'x', flowKey: { tenantId: 'main', namespace: 'company.team', id: 'gone' }, triggerId: 'schedule', date: new Date() }, silent, s.logger);
      await handleTick(s, { scheduleId: 'y', flowKey: { tenantId: 'main', namespace: 'company.team', id: 'never' }, triggerId: 'schedule', date: new Date() }, silent, s.logger);
      expect((await runtime.executions.search({ tenantId: 'main', page: 1, size: 10 })).total).toBe(0);
    } finally {
      await runtime.close();
    }
  });

  it('starts nothing for a tick of a trigger disabled through the API, and starts again once it is enabled', async () => {
    const runtime = createMemoryRuntime();
    try {
      await save(runtime, flowYaml('paused'));
      const s = context(runtime);
      const key = { tenantId: 'main', namespace: 'company.team', flowId: 'paused', triggerId: 'schedule' };
      const tick = (date: string) => ({ scheduleId: 'main/company.team/paused/schedule', flowKey: { tenantId: 'main', namespace: 'company.team', id: 'paused' }, triggerId: 'schedule', date: new Date(date) });
      await runtime.triggers.setDisabled(key, true);
      await handleTick(s, tick('2024-07-01T00:00:00Z'), silent, s.logger);
      expect((await runtime.executions.search({ tenantId: 'main', page: 1, size: 10 })).total).toBe(0);
      await runtime.triggers.setDisabled(key, false);
      await handleTick(s, tick('2024-07-02T00:00:00Z'), silent, s.logger);
      expect((await runtime.executions.search({ tenantId: 'main', page: 1, size: 10 })).total).toBe(1);
    } finally {
      await runtime.close();
    }
  });
});
