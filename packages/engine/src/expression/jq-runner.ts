/**
 * Runs jq filters with jq itself: jq-web, jq's C source compiled to WebAssembly, in a worker
 * thread. A template renders synchronously, so the call is made synchronous with
 * `Atomics.wait` and `receiveMessageOnPort`; the worker is what makes the work bounded: a filter
 * that runs past its time (`until(false; .)`) is stopped by terminating the worker, which is
 * started again for the next call, and its heap is capped. jq inside WebAssembly reaches no file
 * (`include` finds no module), no network and not the process environment (`env` is
 * Emscripten's stand-in), and what it prints to stderr (`debug`) is dropped, not logged.
 */
import { createRequire } from 'node:module';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

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

// The worker: CommonJS, evaluated from this string so it needs no file of its own in the build.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, state, jqPath, outputChars } = workerData;
// jq-web prints jq's stderr (debug, stderr) through the console; data must not reach the logs.
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[method] = () => {};
process.stdout.write = () => true;
process.stderr.write = () => true;
const done = (reply) => {
  port.postMessage(reply);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
};
require(jqPath).then(
  (jq) => {
    port.on('message', ({ input, filter }) => {
      try {
        const raw = jq.raw(input, filter, ['-c']);
        if (typeof raw === 'string' && raw.length > outputChars) done({ reason: 'limit', message: 'output longer than ' + outputChars + ' characters' });
        else done({ outputs: typeof raw === 'string' && raw !== '' ? raw.split('\\n') : [] });
      } catch (error) {
        const text = String((error && error.message) || error);
        done({ reason: /exit code: 3/.test(text) ? 'compile' : 'runtime', message: text });
      }
    });
    Atomics.store(state, 1, 1);
    Atomics.notify(state, 1);
  },
  () => {
    Atomics.store(state, 1, 2);
    Atomics.notify(state, 1);
  },
);
`;

/** What the worker posts back: the results, or why there are none. */
interface WorkerReply {
  readonly outputs?: string[];
  readonly reason?: 'compile' | 'runtime' | 'limit';
  readonly message?: string;
}

interface JqWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  /** [0]: 1 once a reply is posted; [1]: 0 loading, 1 ready, 2 failed to load. */
  readonly state: Int32Array;
}

let current: JqWorker | undefined;

function start(): JqWorker {
  const jqPath = createRequire(import.meta.url).resolve('jq-web');
  const state = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { port: port2, state, jqPath, outputChars: JQ_LIMITS.outputChars },
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: JQ_LIMITS.heapMb },
    // Piped, not inherited: nothing the worker might print reaches the process's streams.
    stdout: true,
    stderr: true,
  });
  // A worker that is idle must not keep the process alive, nor its port.
  // Its stdout and stderr are never read: reading them would keep the process alive, and the
  // worker writes nothing to them (see the source above).
  worker.unref();
  port1.unref();
  worker.on('error', () => undefined);
  return { worker, port: port1, state };
}

function stop(jq: JqWorker): void {
  if (current === jq) current = undefined;
  void jq.worker.terminate().catch(() => undefined);
  jq.port.close();
}

/**
 * Runs `filter` on `input` (JSON text) and returns every result as compact JSON text, in order.
 * Blocks the calling thread for at most {@link JQ_LIMITS.timeoutMs} (plus the worker's start on
 * the first call). Never throws: failures come back as a reason and jq's message.
 */
export function runJq(input: string, filter: string): JqResult {
  const jq = current ?? (current = start());
  if (Atomics.load(jq.state, 1) === 0) Atomics.wait(jq.state, 1, 0, JQ_LIMITS.startMs);
  if (Atomics.load(jq.state, 1) !== 1) {
    stop(jq);
    return { ok: false, reason: 'limit', message: 'jq could not be started' };
  }
  Atomics.store(jq.state, 0, 0);
  jq.port.postMessage({ input, filter });
  if (Atomics.wait(jq.state, 0, 0, JQ_LIMITS.timeoutMs) === 'timed-out') {
    stop(jq);
    return { ok: false, reason: 'limit', message: `jq ran longer than ${JQ_LIMITS.timeoutMs} ms` };
  }
  const received = receiveMessageOnPort(jq.port) as { message: WorkerReply } | undefined;
  if (received === undefined) {
    // The worker signalled without a reply: it died (its heap cap) or broke; start afresh next time.
    stop(jq);
    return { ok: false, reason: 'limit', message: 'jq stopped without an answer (memory limit)' };
  }
  const reply = received.message;
  if (reply.outputs !== undefined) return { ok: true, outputs: reply.outputs };
  return { ok: false, reason: reply.reason ?? 'runtime', message: reply.message ?? 'jq failed' };
}
