import type { PluginLogger } from './log.js';

/**
 * Where a flow lives. Every context carries it.
 * @public
 */
export interface FlowIds {
  /** Tenant; `main` unless the host runs several. */
  readonly tenantId: string;
  /** The flow's namespace, e.g. `company.team`. */
  readonly namespace: string;
  /** The flow's id within its namespace. */
  readonly flowId: string;
  /** The flow revision the execution was created with. */
  readonly flowRevision: number;
}

/**
 * The ids of one task run.
 * @public
 */
export interface TaskRunIds extends FlowIds {
  /** The execution's id: 22 base62 characters. */
  readonly executionId: string;
  /** The task's `id` in the flow. */
  readonly taskId: string;
  /** This task run's id: 22 base62 characters. */
  readonly taskRunId: string;
  /** 1 on the first attempt, then 2, 3, ... on retries. */
  readonly attempt: number;
}

/**
 * The ids a trigger sees.
 * @public
 */
export interface TriggerIds extends FlowIds {
  /** The trigger's `id` in the flow. */
  readonly triggerId: string;
}

/**
 * What every plugin context offers, whoever calls it.
 * @public
 */
export interface BaseContext {
  /** A logger bound to this run; its lines become log entries of the execution. */
  readonly logger: PluginLogger;
  /**
   * Fires when the host wants the work to stop: the task's `timeout` passed, the execution was
   * killed, or the process is shutting down. Pass it to every I/O call that accepts one.
   */
  readonly signal: AbortSignal;
  /**
   * Reads a secret by name. The open-source convention, as in Kestra, is the environment
   * variable `SECRET_<NAME>` holding the value base64-encoded, the name upper-cased
   * (`secret('api_key')` reads `SECRET_API_KEY`). Throws `CORE_SECRET_NOT_FOUND`
   * when it is missing. The value is masked in every log line the host stores.
   */
  secret(name: string): string;
  /**
   * Renders a template (`{{ }}`, `{% %}`) against the variables of this run, plus
   * `extraVariables` (which win on a name clash). Throws a coded error naming the expression
   * and its position when the template is invalid or names an undefined variable.
   */
  render(template: string, extraVariables?: Readonly<Record<string, unknown>>): string;
  /**
   * Evaluates a template for a truth value, the way Kestra evaluates conditions and `when`:
   * the rendered text `true` (any case), or a non-empty, non-`false`, non-`0` result, is true.
   */
  test(template: string, extraVariables?: Readonly<Record<string, unknown>>): boolean;
}

/**
 * One entry of the key-value store, as a task reads it.
 * @public
 */
export interface KvValue {
  /** Any JSON value. */
  readonly value: unknown;
  /** Kestra's `kvType` (STRING, NUMBER, BOOLEAN, DATETIME, DATE, DURATION, JSON), when set. */
  readonly type?: string;
  /** Kestra's `kvDescription`, when set. */
  readonly description?: string;
  /** When it was written (ISO-8601). */
  readonly updated: string;
  /** When it expires (ISO-8601); never when absent. */
  readonly expiresAt?: string;
}

/**
 * Options of {@link KvAccess.set}.
 * @public
 */
export interface KvSetOptions {
  /** The entry expires this many milliseconds after it is written. */
  readonly ttlMs?: number;
  /** False: keep an existing live entry and resolve false. True by default. */
  readonly overwrite?: boolean;
  /** Kestra's `kvType`, kept with the value. */
  readonly type?: string;
  /** Kestra's `kvDescription`, kept with the value. */
  readonly description?: string;
}

/**
 * The tenant's key-value store (Kestra's KV store), per namespace: what the `kv.*` tasks and the
 * `kv()` function read and write, kept in the runtime's store (Redis under BullMQ, the SQLite
 * file by default). Keys follow Kestra's syntax (a letter or digit, then letters, digits, `.`,
 * `_`, `-`; at most 255 characters); a bad key or a value over the host's size limit rejects
 * with a coded error.
 * @public
 */
export interface KvAccess {
  /** The live entry under `key` in `namespace`, or undefined. */
  get(namespace: string, key: string): Promise<KvValue | undefined>;
  /** Writes `value`; resolves false only when `overwrite: false` kept an existing entry. */
  set(namespace: string, key: string, value: unknown, options?: KvSetOptions): Promise<boolean>;
  /** Deletes the entry; false when there was none. */
  delete(namespace: string, key: string): Promise<boolean>;
  /** The live keys of `namespace` starting with `prefix` (all when absent), sorted. */
  keys(namespace: string, prefix?: string): Promise<readonly string[]>;
}

/**
 * What {@link TaskStorage.put} accepts: bytes or text (UTF-8), or a stream of chunks, such as a
 * Node `Readable` or a fetch response's `body`, which is written as it arrives and never held in
 * memory whole.
 * @public
 */
export type FileContent = Uint8Array | string | AsyncIterable<Uint8Array>;

/**
 * Options of {@link TaskStorage.put}.
 * @public
 */
export interface PutFileOptions {
  /**
   * The most bytes to write. A longer content rejects with `STORAGE_FILE_TOO_LARGE` and leaves no
   * file behind. The host's own limit applies when absent.
   */
  readonly maxBytes?: number;
}

/**
 * A file in internal storage, as {@link TaskStorage.put} wrote it or {@link TaskStorage.stat}
 * found it.
 * @public
 */
export interface StoredFile {
  /**
   * Its address, Kestra's: `kestra:///<namespace as folders>/<flow>/executions/<execution>/tasks/<task>/<task run>/<name>`.
   * Put it in an output; later tasks read the file with `{{ read(outputs.<taskId>.uri) }}`, and
   * the API serves it to users.
   */
  readonly uri: string;
  /** Its size in bytes. */
  readonly size: number;
}

/**
 * Internal storage as a task sees it: files of its own execution (Kestra's `runContext.storage()`).
 * Files are kept outside the execution's record, so a large download never travels inside it: a
 * task returns the file's `uri` as an output. They are deleted with their execution (by the API or
 * by retention). The host keeps them in a folder (`SLUICE_STORAGE_DIR`) that workers on several
 * machines may share.
 *
 * Errors are coded: `STORAGE_INVALID_NAME` (a name with `/`, `\`, NUL, or `.`/`..`),
 * `STORAGE_INVALID_URI` (not a `kestra:///` URI), `STORAGE_FOREIGN_URI` (a file of another
 * execution), `STORAGE_FILE_NOT_FOUND`, `STORAGE_FILE_TOO_LARGE`.
 * @public
 */
export interface TaskStorage {
  /**
   * Writes a file of this task run under `name` (one path segment, such as `orders.csv`),
   * streaming `content`, and resolves with its URI and size once the whole file is stored. A file
   * of the same name in the same task run is replaced (a retried attempt writes it again). Readers
   * never see a half-written file.
   */
  put(name: string, content: FileContent, options?: PutFileOptions): Promise<StoredFile>;
  /**
   * Opens a file of this execution (any of its task runs) by its `kestra:///` URI and streams its
   * bytes. Rejects with `STORAGE_FILE_NOT_FOUND` when there is none.
   */
  get(uri: string): Promise<AsyncIterable<Uint8Array>>;
  /** The size of a file of this execution, or undefined when there is none. */
  stat(uri: string): Promise<StoredFile | undefined>;
}

/**
 * The context a task's `run` receives. It is all a task may know of the host: never a Koa
 * context, a BullMQ job or a Redis client.
 * @public
 */
export interface TaskContext extends BaseContext {
  /** The ids of this task run. */
  readonly ids: TaskRunIds;
  /** The tenant's key-value store. */
  readonly kv: KvAccess;
  /** Files of this execution in internal storage: where a task puts what is too large for an output. */
  readonly storage: TaskStorage;
}

/**
 * The context a trigger's methods receive.
 * @public
 */
export interface TriggerContext extends BaseContext {
  /** The ids of the flow and trigger being evaluated. */
  readonly ids: TriggerIds;
  /**
   * Reports an event the trigger received but cannot turn into an execution, and drops it (a
   * message whose payload does not decode). The host logs `reason` once at ERROR, secrets
   * masked, and for poll and listen triggers counts it: the `/metrics` counter
   * `sluice_trigger_rejected_total{namespace,flow,trigger}` and the trigger state's `rejected`
   * count in the trigger API. Acknowledge such a message to its source (delivered again it would
   * be rejected again). Keep the payload itself out of `reason`.
   */
  reject(reason: string): void;
}
