import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { createRegistry, mapSecrets, scheduleExecutionId, scheduleIdOf, type Runtime } from '@sluice/engine';
import { createMemoryRuntime } from '@sluice/runtime-memory';
import schedulePlugin from '@sluice/plugin-trigger-schedule';
import { LOG_PLUGIN, saveFlowYaml } from '../../test/flows.js';
import { createMetrics } from '../metrics.js';
import type { ServerContext } from '../server-context.js';
import { scheduleViewsOf } from './schedule-view.js';
import { startSchedules, type Schedules } from './schedules.js';

const registry = createRegistry([
  { pkg: schedulePlugin, info: { name: '@sluice/plugin-trigger-schedule', version: '0', path: '', types: ['io.kestra.plugin.core.trigger.Schedule'] } },
  LOG_PLUGIN,
]);

const FLOW = `id: views
namespace: company.team
tasks:
  - id: log
    type: io.kestra.plugin.core.log.Log
    message: "tick {{ trigger.date }}"
triggers:
  - id: nightly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 3 * * *"
  - id: off
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "0 4 * * *"
    disabled: true
  - id: secondly
    type: io.kestra.plugin.core.trigger.Schedule
    cron: "* * * * * *"
    withSeconds: true
`;

function context(runtime: Runtime): ServerContext {
  return { runtime, registry, secrets: mapSecrets({}), logger: pino({ level: 'silent' }), metrics: createMetrics() } as unknown as ServerContext;
}

describe('scheduleViewsOf', () => {
  const open: { runtime: Runtime; schedules?: Schedules }[] = [];
  afterEach(async () => {
    for (const { runtime, schedules } of open.splice(0)) {
      await schedules?.close(0);
      await runtime.close();
    }
  });

  it('lists every schedule trigger with its next ticks from nextDate, and why a disabled one has none', async () => {
    const runtime = createMemoryRuntime();
    open.push({ runtime });
    const flow = await saveFlowYaml(runtime.flows, FLOW, registry);
    const views = await scheduleViewsOf(context(runtime), flow, new Date('2026-01-01T10:00:00Z'));
    expect(views.map((v) => v.triggerId)).toEqual(['nightly', 'off', 'secondly']);
    expect(views[0]).toEqual({
      triggerId: 'nightly', type: 'io.kestra.plugin.core.trigger.Schedule', scheduled: true,
      nextRuns: ['2026-01-02T03:00:00.000Z', '2026-01-03T03:00:00.000Z', '2026-01-04T03:00:00.000Z', '2026-01-05T03:00:00.000Z', '2026-01-06T03:00:00.000Z'],
    });
    expect(views[1]).toEqual({ triggerId: 'off', type: 'io.kestra.plugin.core.trigger.Schedule', scheduled: false, reason: 'the trigger is disabled', nextRuns: [] });
  });

  it('follows the clock: the next runs start at its pending tick, and the last tick names the execution it started', async () => {
    const runtime = createMemoryRuntime();
    const flow = await saveFlowYaml(runtime.flows, FLOW, registry);
    const s = context(runtime);
    const schedules = await startSchedules(s, { consume: true });
    open.push({ runtime, schedules });
    const view = async () => (await scheduleViewsOf(s, flow)).find((v) => v.triggerId === 'secondly');
    const last = await vi.waitFor(async () => {
      const found = (await view())?.lastTick;
      expect(found?.executionId).toBeDefined();
      return found;
    }, { timeout: 5000, interval: 50 });
    const id = scheduleIdOf({ tenantId: 'main', namespace: 'company.team', id: 'views' }, 'secondly');
    expect(last?.executionId).toBe(scheduleExecutionId(id, new Date(last?.date ?? 0)));
    expect((await runtime.executions.get(last?.executionId ?? ''))?.trigger?.id).toBe('secondly');
    const current = await view();
    const stored = (await runtime.schedules.list()).find((entry) => entry.id === id);
    const runs = current?.nextRuns.map((r) => Date.parse(r)) ?? [];
    expect(runs).toHaveLength(5);
    // The clock may have moved on between the two reads; either way runs go second by second.
    expect(runs.every((r, i) => i === 0 || r - (runs[i - 1] ?? 0) === 1000)).toBe(true);
    expect(runs[0]).toBeLessThanOrEqual((stored?.next?.getTime() ?? 0));
    expect(runs[0]).toBeGreaterThan(Date.parse(last?.date ?? ''));
  });
});
