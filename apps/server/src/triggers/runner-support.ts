import { isSluiceError } from '@sluice/core';
import { executionOfStart, maskSecrets, type PreparedTrigger, type RunnableMode, type StartOrigin, type TriggerKey, type TriggerStateUpdate } from '@sluice/engine';
import type { StartDecision } from '@sluice/core';
import type { Logger } from 'pino';
import type { ServerContext } from '../server-context.js';

/** What a poll or listen runner gets from the runners that started it. */
export interface RunnerDeps {
  readonly s: ServerContext;
  readonly key: TriggerKey;
  readonly mode: RunnableMode;
  /** This process's lease holder id. */
  readonly holder: string;
  readonly log: Logger;
  /** Backoff after failures: the first wait, and the cap. */
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** Called when a fenced write found the lease gone: the runner stops, and its owner forgets it. */
  readonly onLeaseLost: () => void;
}

/** Resolves after `ms`, or at once when `signal` fires. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * An error as the trigger's state and the log show it: its message with the host's secret
 * values masked and the password of any URL (`amqp://user:pass@host`) hidden, since brokers'
 * clients like to quote the URL they failed to reach.
 */
export function describeFailure(s: Pick<ServerContext, 'secretValues'>, error: unknown): string {
  const raw = isSluiceError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  const text = raw.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@\s/]*@/gi, '$1***@').slice(0, 2000);
  return maskSecrets(text, s.secretValues());
}

/**
 * Keeps a trigger's last error and logs it once per change: a poll failing every few seconds
 * for an hour gives one warning, not a thousand, and one line when it recovers.
 */
export class FailureLog {
  private last: string | undefined;

  constructor(private readonly deps: Pick<RunnerDeps, 'log' | 'mode'>, private readonly what: string) {}

  /** Records a failure; returns the update that stores it. */
  failed(message: string, at: number): TriggerStateUpdate {
    if (message !== this.last) this.deps.log.warn({ err: message }, `${this.what} failed: ${message}`);
    this.last = message;
    return { lastError: { message, at }, addErrors: 1 };
  }

  /** Records a success; returns the part of the update that clears the last error, if any. */
  succeeded(): TriggerStateUpdate {
    if (this.last === undefined) return {};
    this.deps.log.info(`${this.what} recovered`);
    this.last = undefined;
    return { lastError: null };
  }
}

/** What storing one start gave. */
export type Stored =
  | { readonly kind: 'stored'; readonly executionId: string; readonly fresh: boolean }
  | { readonly kind: 'invalid'; readonly message: string };

/**
 * Stores and queues the execution of one start. A start stored by an earlier delivery (the same
 * derived id) is "already done": submit queued it again, which is harmless. Any other store
 * failure rejects, so the caller does not move its cursor or acknowledge its message.
 */
export async function storeStart(deps: RunnerDeps, prepared: Extract<PreparedTrigger, { ok: true }>, start: StartDecision, origin?: StartOrigin): Promise<Stored> {
  const made = executionOfStart(prepared, start, origin);
  if (made.kind === 'invalid') {
    deps.s.metrics.triggerErrors.inc({ mode: deps.mode, kind: 'invalid' });
    const message = `the flow refused the event: ${made.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`;
    deps.log.error({ errors: made.errors.map((e) => e.path) }, message);
    return { kind: 'invalid', message };
  }
  const { execution } = made;
  try {
    await deps.s.runtime.submit(execution);
  } catch (error) {
    if (!isSluiceError(error, 'RUNTIME_DUPLICATE_EXECUTION')) throw error;
    deps.log.debug({ executionId: execution.id }, 'event already started its execution');
    return { kind: 'stored', executionId: execution.id, fresh: false };
  }
  deps.s.metrics.executionsCreated.inc({ trigger: prepared.type });
  deps.log.info({ executionId: execution.id }, `execution ${execution.id} started`);
  return { kind: 'stored', executionId: execution.id, fresh: true };
}

/** Counts one event the trigger's plugin rejected (`ctx.reject`) on `/metrics`; the runner adds it to the trigger's state. */
export function countRejected(deps: Pick<RunnerDeps, 's' | 'key'>): void {
  deps.s.metrics.triggerRejected.inc({ namespace: deps.key.namespace, flow: deps.key.flowId, trigger: deps.key.triggerId });
}

/** A counting semaphore: at most `size` holders, the others wait in order. */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async take(): Promise<void> {
    if (this.used < this.size) {
      this.used++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.used--;
  }
}
