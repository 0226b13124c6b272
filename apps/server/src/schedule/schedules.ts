import { isSluiceError } from '@sluice/core';
import { fireSchedule, schedulesOf, type FlowKey, type FlowRevision, type ScheduleConsumer, type ScheduleSpec, type ScheduleTickEvent } from '@sluice/engine';
import { unlessUnchanged } from '../flows/unless-unchanged.js';
import { describeError } from '../logging/describe-error.js';
import { pluginLogger } from '../logging/plugin-logger.js';
import { submitOnce } from '../runtime/submit-once.js';
import type { ServerContext } from '../server-context.js';

/** The schedules of this process: kept in step with the flows, and their ticks consumed. */
export interface Schedules {
  /** Schedules this process computed from the flows at the last full sync. */
  active(): number;
  /** Stops following flow changes and consuming ticks (running ticks get `graceMs`). */
  close(graceMs: number): Promise<void>;
}

/** Options of {@link startSchedules}. */
export interface ScheduleOptions {
  /** Consume ticks in this process (webservers and standalone do; workers do not). */
  readonly consume: boolean;
  /** Tenants whose flows are scheduled. */
  readonly tenants?: readonly string[];
  /** Resync period, a safety net for a missed change notification. Default 30 s. */
  readonly resyncMs?: number;
  /**
   * One resync in this many lists every flow even when their version did not move and nothing
   * failed to apply (the others are then skipped). Default `FULL_PASS_EVERY` (10).
   */
  readonly fullResyncEvery?: number;
}

const keyOf = (k: FlowKey): string => `${k.tenantId}\u0000${k.namespace}\u0000${k.id}`;

/**
 * Keeps the runtime's schedule clock in step with the flows and turns ticks into executions.
 *
 * - At start, and every `resyncMs` when the flows' version moved or something failed to apply
 *   (and every tenth time regardless), every flow's schedules are upserted (a no-op for those
 *   that did not change, so a restart neither loses nor doubles a tick) and the stored schedules
 *   no flow asks for any more are removed.
 * - Every flow change (from any process, through `FlowRepository.watch`) is applied at once:
 *   a saved flow's schedules are upserted and the ones it dropped (disabled flow or trigger,
 *   trigger removed) are removed; a deleted flow's are removed.
 * - Ticks: the flow is read from the store, `fireSchedule` decides, and a start is stored with
 *   its deterministic id (a tick handled twice finds it stored) and queued. A store failure
 *   rejects, so the clock delivers the tick again; a plugin failure is logged and not retried.
 *
 * Every process that runs it (webservers and standalone) upserts the same specs: the clock makes
 * that idempotent, and keeps one chain of ticks per schedule across them.
 */
export async function startSchedules(s: ServerContext, options: ScheduleOptions): Promise<Schedules> {
  const tenants = options.tenants ?? ['main'];
  const log = s.logger.child({ component: 'schedules' });
  const triggerLogger = pluginLogger(log);
  const clock = s.runtime.schedules;
  let active = 0;
  let closed = false;
  // Set when a change or a schedule could not be applied: the next resync must not be skipped.
  let dirty = false;

  const specsOf = (flow: FlowRevision | undefined): ScheduleSpec[] =>
    flow ? schedulesOf(flow, { registry: s.registry, secrets: s.secrets, logger: triggerLogger }) : [];

  /** Upserts `specs` and removes the stored schedules of `flows` that `specs` no longer has. */
  const reconcile = async (
    specs: readonly ScheduleSpec[],
    inScope: (key: FlowKey) => boolean,
    revisionOf: (key: FlowKey, stored: number) => Promise<number | undefined>,
  ): Promise<void> => {
    for (const spec of specs) {
      try {
        await clock.upsert(spec);
      } catch (error) {
        // One schedule that cannot be stored must not keep the others from being synced.
        if (isSluiceError(error, 'RUNTIME_UNAVAILABLE')) throw error;
        dirty = true;
        log.warn({ schedule: spec.id, err: describeError(error) }, `schedules: ${spec.id} could not be stored`);
      }
    }
    const wanted = new Set(specs.map((spec) => spec.id));
    for (const stored of await clock.list()) {
      if (wanted.has(stored.id) || !inScope(stored.flowKey)) continue;
      const revision = await revisionOf(stored.flowKey, stored.revision);
      if (revision !== undefined) await clock.remove(stored.id, revision);
    }
  };

  const syncAll = async (): Promise<number> => {
    const flows = new Map<string, FlowRevision>();
    for (const tenant of tenants) for (const flow of await s.runtime.flows.list(tenant)) flows.set(keyOf(flow), flow);
    const specs = [...flows.values()].flatMap(specsOf);
    // A stored schedule of a flow missing from the listing: if the flow exists now, it was
    // created since, and its change event schedules it; else it is removed at the revision it
    // was stored with, so a newer one stored meanwhile by another process is kept.
    await reconcile(specs, (key) => tenants.includes(key.tenantId), async (key, stored) => {
      const listed = flows.get(keyOf(key));
      if (listed) return listed.revision;
      return (await s.runtime.flows.get(key)) ? undefined : stored;
    });
    return specs.length;
  };

  // Changes of one flow are applied one after the other, in the order they arrive.
  const pending = new Map<string, Promise<void>>();
  const applyChange = (key: FlowKey, revision: number): void => {
    const k = keyOf(key);
    const previous = pending.get(k) ?? Promise.resolve();
    const next = previous.then(async () => {
      if (closed) return;
      const flow = await s.runtime.flows.get(key);
      const specs = specsOf(flow);
      await reconcile(specs, (stored) => keyOf(stored) === k, async () => flow?.revision ?? revision);
      log.debug({ flow: `${key.namespace}.${key.id}`, revision: flow?.revision ?? revision, schedules: specs.length }, 'schedules updated');
    }).catch((error: unknown) => {
      // The periodic resync repairs what could not be applied now.
      dirty = true;
      log.warn({ flow: `${key.namespace}.${key.id}`, err: describeError(error) }, 'schedules: a flow change could not be applied; the next resync will');
    });
    pending.set(k, next);
    void next.finally(() => {
      if (pending.get(k) === next) pending.delete(k);
    });
  };

  // Each resync lists every flow: it is skipped while their version has not moved and nothing
  // failed to apply (see unlessUnchanged).
  const gate = unlessUnchanged(s.runtime.flows, tenants, options.fullResyncEvery);
  const resync = (): Promise<void> => gate(async () => {
    dirty = false;
    active = await syncAll();
  }, dirty);

  const unwatch = await s.runtime.flows.watch((change) => {
    if (tenants.includes(change.key.tenantId)) applyChange(change.key, change.revision);
  });
  await resync();

  const resyncMs = options.resyncMs ?? 30_000;
  const timer = setInterval(() => {
    void resync().catch((error: unknown) => {
      dirty = true;
      log.warn({ err: describeError(error) }, 'schedules: resync failed; retrying later');
    });
  }, resyncMs);
  timer.unref();

  let consumer: ScheduleConsumer | undefined;
  if (options.consume) consumer = clock.consume((tick) => handleTick(s, tick, triggerLogger, log));

  return {
    active: () => active,
    async close(graceMs) {
      closed = true;
      clearInterval(timer);
      await unwatch();
      await consumer?.close(graceMs);
      await Promise.allSettled([...pending.values()]);
    },
  };
}

/** One tick: read the flow, let the trigger decide, store and queue the execution it starts. */
export async function handleTick(s: ServerContext, tick: ScheduleTickEvent, triggerLogger: ReturnType<typeof pluginLogger>, log: ServerContext['logger']): Promise<void> {
  const where = { flow: `${tick.flowKey.namespace}.${tick.flowKey.id}`, trigger: tick.triggerId, date: tick.date.toISOString() };
  const flow = await s.runtime.flows.get(tick.flowKey);
  // Disabled through the trigger API: the tick starts nothing, and the chain goes on.
  if ((await s.runtime.triggers.get({ tenantId: tick.flowKey.tenantId, namespace: tick.flowKey.namespace, flowId: tick.flowKey.id, triggerId: tick.triggerId }))?.disabled) {
    log.debug(where, 'schedule tick dropped: the trigger is disabled through the API');
    return;
  }
  let firing: Awaited<ReturnType<typeof fireSchedule>>;
  try {
    firing = await fireSchedule({
      flow,
      triggerId: tick.triggerId,
      tick: { date: tick.date, ...(tick.previous ? { previous: tick.previous } : {}), ...(tick.next ? { next: tick.next } : {}) },
      registry: s.registry,
      secrets: s.secrets,
      logger: triggerLogger,
    });
  } catch (error) {
    // A plugin that throws would throw again: logged, not retried.
    log.error({ ...where, err: describeError(error) }, `schedule tick ${where.date} of ${where.flow}: the trigger failed`);
    return;
  }
  switch (firing.kind) {
    case 'not-found':
      log.debug({ ...where, reason: firing.reason }, 'schedule tick dropped');
      return;
    case 'skip':
      log.debug({ ...where, reason: firing.reason }, 'schedule tick skipped');
      return;
    case 'invalid':
      log.warn({ ...where, errors: firing.errors.map((e) => e.path) }, `schedule tick ${where.date} of ${where.flow} started nothing: ${firing.errors.map((e) => e.path).join(', ')} invalid`);
      return;
    case 'start': {
      const { execution } = firing;
      // False when an earlier delivery of this tick stored it.
      await submitOnce(s, execution, 'schedule');
      log.info({ ...where, executionId: execution.id }, `schedule tick ${where.date} of ${where.flow}: execution ${execution.id}`);
    }
  }
}
