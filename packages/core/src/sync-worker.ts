/**
 * Synchronous calls into a worker thread, bounded in time.
 *
 * Some work must answer synchronously (a plugin's `check`, a template's filter) but comes from a
 * library that is asynchronous to load, heavy to keep in every process, or unbounded in what it
 * may do (WebAssembly builds of jq or of PostgreSQL's parser). Run in a worker, it is loaded only
 * when first used, and a call that runs past its time is stopped by terminating the worker, which
 * starts afresh on the next call. The caller blocks on `Atomics.wait` and takes the reply with
 * `receiveMessageOnPort`; the protocol between the two sides lives here alone.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort, type ResourceLimits } from 'node:worker_threads';

/** How to start a {@link SyncWorker}. */
export interface SyncWorkerOptions {
  /**
   * The source of a JavaScript function expression, evaluated in the worker as CommonJS (it has
   * `require`, not the caller's module scope): given {@link SyncWorkerOptions.data}, it returns,
   * or resolves to, the function that answers each request. Its answers must be structured-cloneable.
   */
  readonly setup: string;
  /** What `setup` is given: structured-cloneable (a module's resolved path, a limit). */
  readonly data?: unknown;
  /** Longest the worker may take to start and run `setup`, on the first call after a (re)start. */
  readonly startMs: number;
  /** The worker's heap caps, when what it runs may grow without bound. */
  readonly resourceLimits?: ResourceLimits;
  /**
   * True: the worker's stdout and stderr are piped and never read, so nothing it prints reaches the
   * process's own streams (the setup should also silence what it loads: unread output is buffered).
   */
  readonly quiet?: boolean;
}

/**
 * What one call gave: the reply, or why there is none. `start`: the worker did not start, or its
 * setup failed or did not finish, in time. `timeout`: the call ran past its time. `gone`: the
 * worker signalled without a reply. `failed`: the answering function threw. After `start`,
 * `timeout` and `gone` the worker is stopped; the next call starts a new one.
 */
export type SyncWorkerAnswer<Reply> =
  | { readonly ok: true; readonly reply: Reply }
  | { readonly ok: false; readonly reason: 'start' | 'timeout' | 'gone' }
  | { readonly ok: false; readonly reason: 'failed'; readonly message: string };

/** A worker thread answering synchronous calls; started on the first call. */
export interface SyncWorker<Request, Reply> {
  /** Sends `request` and blocks the calling thread until the reply, for at most `timeoutMs` (plus the start, on a first call). */
  call(request: Request, timeoutMs: number): SyncWorkerAnswer<Reply>;
}

// state[0]: 1 once a reply is posted. state[1]: 0 starting, 1 ready, 2 setup failed.
const workerSource = (setup: string): string => `
const { workerData } = require('node:worker_threads');
const { port, state, data } = workerData;
const signal = (slot, value) => {
  Atomics.store(state, slot, value);
  Atomics.notify(state, slot);
};
Promise.resolve().then(() => (${setup})(data)).then(
  (answer) => {
    port.on('message', (request) => {
      let reply;
      try {
        reply = { reply: answer(request) };
      } catch (error) {
        reply = { thrown: String((error && error.message) || error) };
      }
      port.postMessage(reply);
      signal(0, 1);
    });
    signal(1, 1);
  },
  () => signal(1, 2),
);
`;

interface Started {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/** A {@link SyncWorker} running `options.setup`; no thread is started until the first call. */
export function createSyncWorker<Request, Reply>(options: SyncWorkerOptions): SyncWorker<Request, Reply> {
  const source = workerSource(options.setup);
  let current: Started | undefined;

  const start = (): Started => {
    const state = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(source, {
      eval: true,
      workerData: { port: port2, state, data: options.data },
      transferList: [port2],
      ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      ...(options.quiet === true ? { stdout: true, stderr: true } : {}),
    });
    // An idle worker must not keep the process alive, nor its port. Piped output is never read:
    // reading it would keep the process alive.
    worker.unref();
    port1.unref();
    worker.on('error', () => undefined);
    return { worker, port: port1, state };
  };

  const stop = (started: Started): void => {
    if (current === started) current = undefined;
    void started.worker.terminate().catch(() => undefined);
    started.port.close();
  };

  return {
    call(request, timeoutMs) {
      const started = current ?? (current = start());
      if (Atomics.load(started.state, 1) === 0) Atomics.wait(started.state, 1, 0, options.startMs);
      if (Atomics.load(started.state, 1) !== 1) {
        stop(started);
        return { ok: false, reason: 'start' };
      }
      Atomics.store(started.state, 0, 0);
      started.port.postMessage(request);
      if (Atomics.wait(started.state, 0, 0, timeoutMs) === 'timed-out') {
        stop(started);
        return { ok: false, reason: 'timeout' };
      }
      const received = receiveMessageOnPort(started.port) as { message: { reply?: Reply; thrown?: string } } | undefined;
      if (received === undefined) {
        stop(started);
        return { ok: false, reason: 'gone' };
      }
      const { thrown, reply } = received.message;
      return thrown !== undefined ? { ok: false, reason: 'failed', message: thrown } : { ok: true, reply: reply as Reply };
    },
  };
}
