import { pluginLoggerFrom, type ListenTrigger, type StartDecision, type TObject, type TSchema } from '@sluice/core';
import { backoffMs, prepareTrigger, type TriggerStateUpdate } from '@sluice/engine';
import { serverErrors } from '../errors.js';
import { pluginLogger } from '../logging/plugin-logger.js';
import { FailureLog, Slots, countRejected, describeFailure, pause, storeStart, type RunnerDeps } from './runner-support.js';

/** How long the host waits for a listener's stop function before going on without it. */
export const STOP_TIMEOUT_MS = 5000;

/** Options of {@link runListen}. */
export interface ListenOptions {
  /** Emits of one trigger stored at once; further emits wait (the plugin's consumption slows down). */
  readonly maxInFlight: number;
}

/**
 * Runs one listen trigger while this process holds its lease, until `signal` fires.
 *
 * `listen` is called once with the flow's revision at that time; each `emit` stores and queues
 * its execution (at most `maxInFlight` at once, the others wait) and resolves only then, so the
 * plugin acknowledges after the execution is stored; an emit that cannot be stored rejects, so
 * the message is not acknowledged. When `listen` rejects or the listener calls `fail`, the
 * listener is stopped, the error stored and logged once per change, and `listen` called again
 * after a capped exponential backoff. When `signal` fires (trigger disabled, flow changed, lease
 * lost, shutdown) the listener's stop function is called and its `ctx.signal` aborted.
 */
export async function runListen(deps: RunnerDeps, options: ListenOptions, signal: AbortSignal): Promise<void> {
  const { s, key, holder } = deps;
  const failures = new FailureLog(deps, `listen trigger ${key.namespace}.${key.flowId}.${key.triggerId}`);
  const slots = new Slots(options.maxInFlight);
  let failed = 0;
  const write = async (update: TriggerStateUpdate): Promise<void> => {
    if (!(await s.runtime.triggers.update(key, holder, update))) deps.onLeaseLost();
  };
  // What a listener says at WARN or ERROR (a broker it cannot reach, a message it cannot decode)
  // is also its trigger's last error: a plugin whose client reconnects by itself never calls
  // `fail`, and the trigger's state must still say what is wrong. Stored once per change, and
  // cleared by the next execution the listener starts.
  let warned: string | undefined;
  const serverLogger = pluginLogger(deps.log);
  const logger = pluginLoggerFrom((level, message) => {
    serverLogger.log(level, message);
    if (level !== 'WARN' && level !== 'ERROR') return;
    const text = describeFailure(s, message);
    if (text === warned) return;
    warned = text;
    void write({ lastError: { message: text, at: Date.now() } }).catch(() => undefined);
  });

  while (!signal.aborted) {
    if (failed > 0) await pause(backoffMs(failed, deps.backoff.baseMs, deps.backoff.maxMs), signal);
    if (signal.aborted) return;
    // One attempt: aborted when the trigger stops, or when this attempt failed and is restarted.
    const attempt = new AbortController();
    const stopAttempt = () => attempt.abort();
    signal.addEventListener('abort', stopAttempt, { once: true });
    let reportFailure!: (error: unknown) => void;
    const failure = new Promise<unknown>((resolve) => (reportFailure = resolve));
    const stopped = new Promise<undefined>((resolve) => attempt.signal.addEventListener('abort', () => resolve(undefined), { once: true }));
    let stop: (() => Promise<void>) | undefined;
    try {
      const flow = await s.runtime.flows.get({ tenantId: key.tenantId, namespace: key.namespace, id: key.flowId });
      // A rejected message (logged at ERROR by ctx.reject, so also the last error) is counted at once.
      const onReject = () => {
        countRejected(deps);
        void write({ addRejected: 1 }).catch(() => undefined);
      };
      const prepared = prepareTrigger({ flow, triggerId: key.triggerId, registry: s.registry, secrets: s.secrets, logger, signal: attempt.signal, onReject });
      if (!prepared.ok) {
        // The flow changed under us; the runners' next pass stops this one.
        deps.log.debug({ reason: prepared.reason }, 'listen trigger not started');
        await pause(deps.backoff.baseMs, signal);
        continue;
      }
      const definition = prepared.definition as ListenTrigger<TObject, TSchema>;
      const emit = async (start: StartDecision): Promise<void> => {
        await slots.take();
        try {
          if (attempt.signal.aborted) throw serverErrors.TRIGGER_STOPPED(`${key.namespace}.${key.flowId}.${key.triggerId}`, { retryable: true });
          const stored = await storeStart(deps, prepared, start);
          const now = Date.now();
          if (stored.kind === 'invalid') {
            // A message its flow refuses would be refused again: acknowledged, counted, logged.
            await write({ lastEvaluatedAt: now, lastError: { message: stored.message, at: now }, addErrors: 1 });
            return;
          }
          const recovered = warned === undefined ? {} : { lastError: null };
          warned = undefined;
          await write({ lastEvaluatedAt: now, lastExecutionId: stored.executionId, addExecutions: stored.fresh ? 1 : 0, ...recovered });
        } finally {
          slots.give();
        }
      };
      stop = await definition.listen(prepared.ctx, prepared.props, emit, (error) => reportFailure(error));
      deps.log.info('listening');
      await write({ lastEvaluatedAt: Date.now(), ...failures.succeeded() });
      failed = 0;
      const outcome = await Promise.race([failure, stopped]);
      if (outcome !== undefined || !signal.aborted) {
        if (signal.aborted) return;
        throw outcome ?? new Error('the listener stopped');
      }
    } catch (error) {
      if (signal.aborted) return;
      failed++;
      s.metrics.triggerErrors.inc({ mode: 'listen', kind: 'failure' });
      const now = Date.now();
      await write({ ...failures.failed(describeFailure(s, error), now), lastEvaluatedAt: now }).catch(() => undefined);
    } finally {
      signal.removeEventListener('abort', stopAttempt);
      attempt.abort();
      if (stop) await stopWithin(stop, STOP_TIMEOUT_MS, deps);
    }
  }
}

async function stopWithin(stop: () => Promise<void>, ms: number, deps: RunnerDeps): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    const result = await Promise.race([stop().then(() => 'stopped' as const), late]);
    if (result === 'late') deps.log.warn(`the listener did not stop within ${ms} ms; going on without it`);
  } catch (error) {
    deps.log.warn({ err: describeFailure(deps.s, error) }, 'the listener failed to stop');
  } finally {
    clearTimeout(timer);
  }
}
