/** The public option types of the expression language. */

/** Host-provided functions: the clock and the secret store, injectable for tests. */
export interface ExpressionFunctions {
  /** `secret('X')`: returns the value, or throws `CORE_SECRET_NOT_FOUND` when absent. */
  secret?(name: string): string;
  /** `now()`: the clock. Defaults to the system clock. */
  now?(): Date;
  /**
   * `kv('key', 'namespace', errorOnMissing)`: an entry of the key-value store, read ahead of the
   * render (rendering is synchronous). Absent where no store is at hand (trigger props, flow
   * outputs): a template calling it there fails with a clear error.
   */
  kv?(key: string, namespace: string | undefined, errorOnMissing: boolean): unknown;
  /**
   * `read(uri)`: the text of a file of the execution's internal storage, read ahead of the render
   * (see the executor's read-ahead.ts). Absent where no execution's files are at hand.
   */
  read?(uri: string): string;
  /** `errorLogs()`: the execution's ERROR log lines so far, read ahead of the render. Absent outside a task run. */
  errorLogs?(): readonly unknown[];
}

export interface RenderOptions {
  readonly functions?: ExpressionFunctions;
}

/** The variables a template sees. Never mutated by rendering. */
export type Variables = Readonly<Record<string, unknown>>;
