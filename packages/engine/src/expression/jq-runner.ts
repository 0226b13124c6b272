/**
 * Runs jq filters with jq itself: jq-web, jq's C source compiled to WebAssembly, in a worker
 * thread (`createSyncWorker`). A template renders synchronously, so the call blocks until the
 * worker answers; the worker is what makes the work bounded: a filter that runs past its time
 * (`until(false; .)`) is stopped by terminating the worker, which is started again for the next
 * call, and its heap is capped. jq inside WebAssembly reaches no file
 * (`include` finds no module), no network and not the process environment (`env` is
 * Emscripten's stand-in), and what it prints to stderr (`debug`) is dropped, not logged.
 */
import { createRequire } from 'node:module';
import { createSyncWorker, type SyncWorker } from '@sluice/core';

/** Bounds of one jq call. */
export const JQ_LIMITS = Object.freeze({
  /** Longest a filter may run. */
  timeoutMs: 2_000,
  /** Longest the worker may take to start and load jq, on the first call after a (re)start. */
  startMs: 15_000,
  /** Characters of output, all results together. */
  outputChars: 10 * 1024 * 1024,
  /** Heap of the worker, in MiB (jq's own memory is WebAssembly's, within its 2 GiB). */
  heapMb: 128,
});

/** What one call gave: each result as JSON text, or why there is none. */
export type JqResult =
  | { readonly ok: true; readonly outputs: readonly string[] }
  | { readonly ok: false; readonly reason: 'compile' | 'runtime' | 'limit'; readonly message: string };

// In the worker (see createSyncWorker): jq-web prints jq's stderr (debug, stderr) through the
// console, and data must not reach the logs, so everything the worker could print is dropped
// before jq is loaded.
const SETUP = `({ jqPath, outputChars }) => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[method] = () => {};
  process.stdout.write = () => true;
  process.stderr.write = () => true;
  return require(jqPath).then((jq) => ({ input, filter }) => {
    try {
      const raw = jq.raw(input, filter, ['-c']);
      if (typeof raw === 'string' && raw.length > outputChars) return { reason: 'limit', message: 'output longer than ' + outputChars + ' characters' };
      return { outputs: typeof raw === 'string' && raw !== '' ? raw.split('\\n') : [] };
    } catch (error) {
      const text = String((error && error.message) || error);
      return { reason: /exit code: 3/.test(text) ? 'compile' : 'runtime', message: text };
    }
  });
}`;

/** What the worker answers: the results, or why there are none. */
interface WorkerReply {
  readonly outputs?: string[];
  readonly reason?: 'compile' | 'runtime' | 'limit';
  readonly message?: string;
}

let worker: SyncWorker<{ readonly input: string; readonly filter: string }, WorkerReply> | undefined;

/**
 * Runs `filter` on `input` (JSON text) and returns every result as compact JSON text, in order.
 * Blocks the calling thread for at most {@link JQ_LIMITS.timeoutMs} (plus the worker's start on
 * the first call). Never throws: failures come back as a reason and jq's message.
 */
export function runJq(input: string, filter: string): JqResult {
  worker ??= createSyncWorker({
    setup: SETUP,
    data: { jqPath: createRequire(import.meta.url).resolve('jq-web'), outputChars: JQ_LIMITS.outputChars },
    startMs: JQ_LIMITS.startMs,
    resourceLimits: { maxOldGenerationSizeMb: JQ_LIMITS.heapMb },
    // Piped, not inherited: nothing the worker might print reaches the process's streams.
    quiet: true,
  });
  const answer = worker.call({ input, filter }, JQ_LIMITS.timeoutMs);
  if (!answer.ok) {
    switch (answer.reason) {
      case 'start': return { ok: false, reason: 'limit', message: 'jq could not be started' };
      case 'timeout': return { ok: false, reason: 'limit', message: `jq ran longer than ${JQ_LIMITS.timeoutMs} ms` };
      // The worker signalled without a reply: it died (its heap cap) or broke; start afresh next time.
      case 'gone': return { ok: false, reason: 'limit', message: 'jq stopped without an answer (memory limit)' };
      case 'failed': return { ok: false, reason: 'runtime', message: answer.message };
    }
  }
  const reply = answer.reply;
  if (reply.outputs !== undefined) return { ok: true, outputs: reply.outputs };
  return { ok: false, reason: reply.reason ?? 'runtime', message: reply.message ?? 'jq failed' };
}
