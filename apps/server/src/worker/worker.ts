import { createExecutor, isTerminated, type ExecutionQueue, type QueueConsumer } from '@sluice/engine';
import type { ServerContext } from '../server-context.js';
import { runAfterEnd, type AfterEnd } from './after-end.js';

/** A running worker: consumes the execution queue until closed. */
export interface Worker {
  /** True while the worker proves it consumes: see {@link createConsumptionCheck}. */
  healthy(): boolean;
  close(graceMs: number): Promise<void>;
}

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Run after every end, before the job is acknowledged: see {@link AfterEnd}. */
  readonly afterEnd?: readonly AfterEnd[];
}

/**
 * Consumes the execution queue and runs each execution through the executor. Delivery is at
 * least once; the executor is idempotent, so a job delivered again after a crash finishes the
 * execution without re-running what had finished. Once the execution has ended (just now, or
 * before, for a job delivered again), the `afterEnd` hooks run before the job is acknowledged,
 * so a crash between the end's save and the hooks is repaired by the next delivery.
 */
export function startWorker(s: ServerContext, options: WorkerOptions = {}): Worker {
  const afterEnd = options.afterEnd ?? [];
  const executor = createExecutor({ runtime: s.runtime, storage: s.storage, registry: s.registry, secrets: s.secrets });
  const concurrency = s.config.SLUICE_WORKER_CONCURRENCY;
  const check = createConsumptionCheck({
    queue: s.runtime.queue,
    concurrency,
    windowMs: Math.max(5000, s.config.SLUICE_WORKER_LOCK_MS),
    onChange: (consuming, detail) => {
      if (consuming) s.logger.info({ consuming }, `worker consuming again: ${detail}`);
      else s.logger.warn({ consuming }, `worker not consuming: ${detail}`);
    },
  });
  let consumer: QueueConsumer | undefined;
  let closed = false;
  consumer = s.runtime.queue.consume(
    async (executionId, signal, queued) => {
      const taken = check.taken();
      try {
        const end = s.metrics.executionDuration.startTimer();
        const execution = await executor.run(executionId, signal, queued);
        end();
        if (isTerminated(execution.state.current)) {
          s.metrics.executionsFinished.inc({ state: execution.state.current });
          await runAfterEnd(afterEnd, execution);
        }
      } finally {
        taken.done();
      }
    },
    { concurrency },
  );
  return {
    healthy: () => !closed && consumer !== undefined && check.consuming(),
    async close(graceMs) {
      closed = true;
      check.stop();
      await consumer?.close(graceMs);
      consumer = undefined;
    },
  };
}

/** Options of {@link createConsumptionCheck}. */
export interface ConsumptionCheckOptions {
  readonly queue: Pick<ExecutionQueue, 'counts'>;
  readonly concurrency: number;
  /** How long jobs may wait while the worker has room and takes none. */
  readonly windowMs: number;
  /** How often the queue is looked at; a fifth of the window (at most a second) by default. */
  readonly everyMs?: number;
  readonly now?: () => number;
  /** Called when the verdict changes, with a sentence saying why. */
  readonly onChange?: (consuming: boolean, detail: string) => void;
}

/** The verdict of {@link createConsumptionCheck}, kept up to date in the background. */
export interface ConsumptionCheck {
  consuming(): boolean;
  /** Marks a job taken now; call `done()` when its handler returns. */
  taken(): { done(): void };
  /** Runs one look at the queue now (the timer does it on its own). */
  tick(): Promise<void>;
  stop(): void;
}

/**
 * Proof that a worker consumes, not only that its Redis answers (a worker whose blocking fetch
 * is stuck, bullmq#4585 and kin, still sees PING succeed). A worker is consuming unless jobs
 * have been waiting for `windowMs` while it had a free slot and took none of them, or the queue
 * cannot be read at all. A busy worker (every slot taken) and an idle one (nothing waits) are
 * consuming. Delayed jobs count as waiting once due (a handler's retry after its backoff, an
 * execution's retry date), never before, so an execution waiting hours for its retry does not
 * make an idle worker look stuck; the window must outlast the backoff (2 s, then 4 s by
 * default): it is never under 5 s.
 */
export function createConsumptionCheck(options: ConsumptionCheckOptions): ConsumptionCheck {
  const now = options.now ?? Date.now;
  let running = 0;
  let lastTaken = now();
  // Since when jobs wait while a slot is free and none has been taken.
  let starvedSince: number | undefined;
  let verdict = true;
  let looking = false;

  const set = (consuming: boolean, detail: string): void => {
    if (consuming === verdict) return;
    verdict = consuming;
    options.onChange?.(consuming, detail);
  };
  const tick = async (): Promise<void> => {
    if (looking) return;
    looking = true;
    try {
      if (running >= options.concurrency) {
        starvedSince = undefined;
        set(true, 'every slot is busy');
        return;
      }
      let waiting: number;
      try {
        waiting = (await options.queue.counts()).waiting;
      } catch (error) {
        starvedSince = undefined;
        set(false, `the queue cannot be read (${error instanceof Error ? error.message : String(error)})`);
        return;
      }
      const at = now();
      if (waiting === 0) {
        starvedSince = undefined;
        set(true, 'nothing waits');
        return;
      }
      if (starvedSince === undefined || lastTaken >= starvedSince) starvedSince = at;
      if (at - starvedSince >= options.windowMs) {
        set(false, `${waiting} execution(s) wait, a slot is free, and none was taken for ${at - starvedSince} ms`);
      } else {
        set(true, 'it takes waiting executions');
      }
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void tick(), options.everyMs ?? Math.min(1000, Math.floor(options.windowMs / 5)));
  timer.unref();
  return {
    consuming: () => verdict,
    taken() {
      running++;
      lastTaken = now();
      if (!verdict) set(true, 'it took an execution');
      let finished = false;
      return {
        done() {
          if (finished) return;
          finished = true;
          running--;
        },
      };
    },
    tick,
    stop: () => clearInterval(timer),
  };
}
