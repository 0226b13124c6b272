import type { ExecutionHandler, QueueConsumer, Runtime } from '@sluice/engine';

/** Options of {@link describeRuntimeContract}. */
export interface RuntimeContractOptions {
  /**
   * True when two runtimes made by `makeRuntime` share one store (Redis): enables the checks
   * across instances (a watch, an event, a job or an execution seen from the other instance).
   * Default false.
   */
  readonly sharedStore?: boolean;
  /** How long to wait for something asynchronous to arrive (a job, an event, a change). Default 5000 ms. */
  readonly deliveryTimeoutMs?: number;
  /** How long to wait before concluding that something did not arrive. Default 300 ms. */
  readonly quietMs?: number;
}

/** What every contract test gets: the runtime of the test and helpers that clean up after it. */
export interface ContractContext {
  /** A fresh runtime for the current test, closed after it. */
  readonly runtime: Runtime;
  /** A second runtime (sharing the store when `sharedStore`), closed after the test. */
  another(): Promise<Runtime>;
  /** Starts a consumer that is closed after the test (closing it earlier is fine). */
  consume(runtime: Runtime, handler: ExecutionHandler, concurrency?: number): QueueConsumer;
  readonly options: Required<RuntimeContractOptions>;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A promise resolved from outside, for handlers that must wait for the test. */
export interface Deferred<T = void> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Wraps a consumer so `close` runs once whoever calls it (the test, then the cleanup). */
export function closeOnce(consumer: QueueConsumer): QueueConsumer {
  let closing: Promise<void> | undefined;
  return {
    close(graceMs?: number) {
      closing ??= consumer.close(graceMs);
      return closing;
    },
  };
}
