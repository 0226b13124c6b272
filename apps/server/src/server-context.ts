import type { FileStorage, PluginRegistry, Runtime, SecretProvider } from '@sluice/engine';
import type { Logger } from 'pino';
import type { Config } from './config/config.schema.js';
import type { FlowFiles } from './flows/flow-files.js';
import type { FlowIndex } from './flows/flow-index.js';
import type { ReadOnlyFlows } from './flows/read-only-flows.js';
import type { Metrics } from './metrics.js';
import type { ApiDisabled } from './triggers/api-disabled.js';
import type { WebhookStarts } from './triggers/webhook-starts.js';

/** What the HTTP layer and the worker share: built once at start by `start-server.ts`. */
export interface ServerContext {
  readonly config: Config;
  readonly runtime: Runtime;
  /** Internal storage: files of executions, in `SLUICE_STORAGE_DIR`. */
  readonly storage: FileStorage;
  readonly registry: PluginRegistry;
  readonly secrets: SecretProvider;
  readonly flowIndex: FlowIndex;
  /** Set when the runtime keeps nothing across restarts: flows saved through the API go to files. */
  readonly flowFiles?: FlowFiles;
  /** Set when flows come from a folder the API does not write to: those are read-only in the API. */
  readonly readOnlyFlows?: ReadOnlyFlows;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Public base URL without a trailing slash, for `url` fields and webhook URLs. */
  baseUrl: string;
  /** Set on SIGTERM: new webhook requests get 503 while the process drains. */
  shuttingDown: boolean;
  /** Every secret value the host knows, masked wherever it appears in API answers' outputs. */
  readonly secretValues: () => readonly string[];
  /** Triggers disabled through the API, for the webhook route (webservers and standalone). */
  apiDisabled?: ApiDisabled;
  /** The webhook route's started executions, written to the trigger states in batches. */
  webhookStarts?: WebhookStarts;
  /** For readiness: true while this process's worker (if any) consumes the queue. */
  workerHealthy?: () => boolean;
}
