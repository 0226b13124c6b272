import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { isSluiceError } from '@sluice/core';
import { runnableTriggersOf, type FlowKey, type FlowRevision, type RunnableTrigger, type TriggerState } from '@sluice/engine';
import { unlessUnchanged } from '../flows/unless-unchanged.js';
import type { ServerContext } from '../server-context.js';
import { runListen } from './listen-runner.js';
import { runPoll } from './poll-runner.js';
import type { RunnerDeps } from './runner-support.js';

/** The poll and listen triggers of this process. */
export interface TriggerRunners {
  /** This process's lease holder id, as the trigger API shows it. */
  readonly holder: string;
  /** The triggers this process runs now (holds the lease of). */
  running(): number;
  /** Stops every runner (each gets `graceMs`), gives its lease up so another process takes over at once. */
  close(graceMs: number): Promise<void>;
}

/** Options of {@link startTriggerRunners}. */
export interface TriggerRunnerOptions {
  /** A lease not renewed for this long is taken over by another process. */
  readonly leaseMs: number;
  /** Tenants whose flows are run. */
  readonly tenants?: readonly string[];
  /** Resync period, a safety net for a missed change notification. Default 30 s. */
  readonly resyncMs?: number;
  /** Backoff of failing polls and listeners: the first wait, and the cap. Default 1 s and 5 min. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Emits of one listen trigger stored at once. Default 16. */
  readonly maxInFlight?: number;
  /** The holder id; by default host name, pid and a random part. */
  readonly holder?: string;
}

interface Runner {
  readonly trigger: RunnableTrigger;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  /** When the lease this process last got ends (its own clock). */
  leaseUntil: number;
}

const uid = (t: { key: { tenantId: string; namespace: string; flowId: string; triggerId: string } }): string =>
  JSON.stringify([t.key.tenantId, t.key.namespace, t.key.flowId, t.key.triggerId]);
const flowUid = (k: FlowKey): string => JSON.stringify([k.tenantId, k.namespace, k.id]);

/**
 * Runs the poll and listen triggers of the flows, each in exactly one process at a time.
 *
 * - Which triggers: every enabled poll or listen trigger of a live, enabled flow, kept in step
 *   with the flows like the schedules are (every change through `FlowRepository.watch`, and a
 *   resync every `resyncMs` when the flows' version moved).
 * - Who runs one: the process holding its lease. Every `leaseMs / 3` this process takes or
 *   renews the lease of every trigger (the store gives it to one process); a trigger whose lease
 *   it got runs here, unless disabled through the API; one whose lease another holds (or that
 *   was disabled, or dropped from its flow) is stopped here. A process killed stops renewing,
 *   and another takes its triggers over within `leaseMs` plus one renewal period.
 * - A trigger whose props changed (a poll trigger) or whose flow got a new revision (a listen
 *   trigger, whose listener holds the revision it started with) is stopped and started again.
 * - State writes are fenced by the lease: a runner that lost it stops at its next write.
 */
export async function startTriggerRunners(s: ServerContext, options: TriggerRunnerOptions): Promise<TriggerRunners> {
  const tenants = options.tenants ?? ['main'];
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const log = s.logger.child({ component: 'triggers' });
  const backoff = options.backoff ?? { baseMs: 1000, maxMs: 300_000 };
  const maxInFlight = options.maxInFlight ?? 16;
  const wanted = new Map<string, RunnableTrigger>();
  const runners = new Map<string, Runner>();
  let closed = false;

  const triggersOf = (flow: FlowRevision | undefined): RunnableTrigger[] => (flow ? runnableTriggersOf(flow, s.registry) : []);

  const stopRunner = async (id: string, graceMs = 5000): Promise<void> => {
    const runner = runners.get(id);
    if (!runner) return;
    runners.delete(id);
    runner.controller.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([runner.done, new Promise<void>((ok) => (timer = setTimeout(ok, graceMs)))]);
    clearTimeout(timer);
    await s.runtime.triggers.release(runner.trigger.key, holder).catch(() => false);
  };

  const startRunner = (trigger: RunnableTrigger, state: TriggerState): void => {
    const id = uid(trigger);
    const controller = new AbortController();
    const key = trigger.key;
    const deps: RunnerDeps = {
      s, key, mode: trigger.mode, holder, backoff,
      log: log.child({ flow: `${key.namespace}.${key.flowId}`, trigger: key.triggerId, mode: trigger.mode }),
      onLeaseLost: () => {
        if (runners.get(id)?.controller !== controller) return;
        deps.log.warn('lease lost to another process; stopping here');
        void stopRunner(id);
      },
    };
    const run = trigger.mode === 'poll' ? runPoll(deps, state, controller.signal) : runListen(deps, { maxInFlight }, controller.signal);
    const done = run.catch((error: unknown) => deps.log.error({ err: error instanceof Error ? error.message : String(error) }, 'trigger runner ended with an error'));
    runners.set(id, { trigger, controller, done, leaseUntil: state.leaseUntil ?? 0 });
    deps.log.info({ holder }, `${trigger.mode} trigger started here`);
  };

  const sameRun = (running: RunnableTrigger, next: RunnableTrigger): boolean =>
    running.version === next.version && (running.mode === 'poll' || running.revision === next.revision);

  // One pass at a time: a flow change and the renewal timer both ask for one.
  let passing: Promise<void> | undefined;
  let again = false;
  const pass = async (): Promise<void> => {
    for (const [id, runner] of runners) {
      const next = wanted.get(id);
      if (!next || !sameRun(runner.trigger, next)) await stopRunner(id);
    }
    for (const [id, trigger] of wanted) {
      if (closed) return;
      let state: TriggerState | undefined;
      try {
        state = await s.runtime.triggers.acquire(trigger.key, holder, options.leaseMs);
      } catch (error) {
        // The store is down: runners go on until their lease would have ended, then stop, since
        // another process may take the trigger over from then on.
        if (!isSluiceError(error, 'RUNTIME_UNAVAILABLE')) throw error;
        log.warn({ err: error.message }, 'triggers: the store did not answer; leases not renewed');
        const now = Date.now();
        for (const [expiredId, runner] of runners) if (runner.leaseUntil <= now) await stopRunner(expiredId);
        return;
      }
      if (!state || state.disabled) {
        if (runners.has(id)) await stopRunner(id);
        if (state?.disabled) await s.runtime.triggers.release(trigger.key, holder).catch(() => false);
        continue;
      }
      const running = runners.get(id);
      if (running) running.leaseUntil = state.leaseUntil ?? 0;
      else startRunner(trigger, state);
    }
  };
  const requestPass = (): Promise<void> => {
    if (passing) {
      again = true;
      return passing;
    }
    passing = (async () => {
      do {
        again = false;
        await pass().catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'triggers: a pass failed; the next one retries'));
      } while (again && !closed);
    })().finally(() => (passing = undefined));
    return passing;
  };

  const setFlow = (key: FlowKey, triggers: readonly RunnableTrigger[]): void => {
    const k = flowUid(key);
    for (const [id, trigger] of wanted) if (flowUid({ tenantId: trigger.key.tenantId, namespace: trigger.key.namespace, id: trigger.key.flowId }) === k) wanted.delete(id);
    for (const trigger of triggers) wanted.set(uid(trigger), trigger);
  };

  const gate = unlessUnchanged(s.runtime.flows, tenants);
  const resync = (): Promise<void> => gate(async () => {
    const flows: FlowRevision[] = [];
    for (const tenant of tenants) flows.push(...(await s.runtime.flows.list(tenant)));
    wanted.clear();
    for (const trigger of flows.flatMap(triggersOf)) wanted.set(uid(trigger), trigger);
  });

  const unwatch = await s.runtime.flows.watch((change) => {
    if (closed || !tenants.includes(change.key.tenantId)) return;
    void s.runtime.flows.get(change.key).then((flow) => {
      setFlow(change.key, triggersOf(flow));
      if (change.deleted) void forget(change.key).catch(() => undefined);
      return requestPass();
    }).catch((error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'triggers: a flow change could not be applied; the next resync will'));
  });

  /** A deleted flow's trigger states go with it (disabled flags included). */
  const forget = async (key: FlowKey): Promise<void> => {
    for (const state of await s.runtime.triggers.list(key.tenantId, { namespace: key.namespace, flowId: key.id })) {
      if (state.key.namespace === key.namespace) await s.runtime.triggers.delete(state.key);
    }
  };

  await resync();
  await requestPass();
  const renewMs = Math.max(50, Math.floor(options.leaseMs / 3));
  const renewTimer = setInterval(() => void requestPass(), renewMs);
  renewTimer.unref();
  const resyncTimer = setInterval(() => {
    void resync().then(requestPass, (error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'triggers: resync failed; retrying later'));
  }, options.resyncMs ?? 30_000);
  resyncTimer.unref();

  return {
    holder,
    running: () => runners.size,
    async close(graceMs) {
      closed = true;
      clearInterval(renewTimer);
      clearInterval(resyncTimer);
      await unwatch();
      await passing;
      await Promise.all([...runners.keys()].map((id) => stopRunner(id, graceMs)));
    },
  };
}

