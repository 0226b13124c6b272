import type { LogLevel } from './log.js';

/**
 * A request that starts an example flow through its webhook, for examples of webhook triggers.
 * @public
 */
export interface ExampleRequest {
  /** HTTP method; `POST` when omitted. */
  readonly method?: 'GET' | 'POST' | 'PUT';
  /** The key path segment; the trigger's own key when omitted. */
  readonly key?: string;
  /** Request headers; names are lower-cased by the host. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Query string parameters. */
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
  /** The body: a string is sent as is, anything else as JSON. */
  readonly body?: unknown;
}

/**
 * What running an example must produce. Tests of the plugin (and the `runExamples` helper of
 * `@sluice/plugin-testing`) assert it.
 * @public
 */
export interface ExampleExpectation {
  /** Final state of the execution; `SUCCESS` when omitted. */
  readonly state?: 'SUCCESS' | 'FAILED' | 'WARNING';
  /** Log lines that must appear, in order (other lines may sit between them). */
  readonly logs?: readonly { readonly level: LogLevel; readonly message: string }[];
  /** For a webhook example: the HTTP status the request must get. */
  readonly status?: number;
  /** Trigger variables the execution must hold (a deep subset match). */
  readonly triggerVariables?: Readonly<Record<string, unknown>>;
}

/**
 * A complete flow that shows one use of a plugin. Examples are documentation that runs: the
 * plugin reference shows them, and tests execute every one.
 * @public
 */
export interface PluginExample {
  /** One line saying what the example shows. */
  readonly title: string;
  /** A whole flow in YAML, using the plugin. */
  readonly flow: string;
  /**
   * Other flows the example starts (the flow a Subflow runs), in YAML: saved before it runs, and
   * their executions run to their end like the example's.
   */
  readonly flows?: readonly string[];
  /** For webhook triggers: the request that starts the flow. */
  readonly request?: ExampleRequest;
  /** What the run must produce. */
  readonly expect?: ExampleExpectation;
  /**
   * For a flow that pauses until resumed (Kestra's Pause): resume it, as
   * `POST /executions/{id}/resume` would, with these `onResume` inputs.
   */
  readonly resume?: { readonly inputs?: Readonly<Record<string, unknown>> };
}
