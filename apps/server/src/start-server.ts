import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalStorage, envSecrets, envSecretValues } from '@sluice/engine';
import { configuredCredentials, generatedCredentials, type Credentials } from './auth/credentials.js';
import type { Config } from './config/config.schema.js';
import { loadConfig, publicUrl } from './config/load-config.js';
import { createFlowFiles } from './flows/flow-files.js';
import { createFlowIndex } from './flows/flow-index.js';
import { createReadOnlyFlows } from './flows/read-only-flows.js';
import { loadFlowsDir, watchFlowsDir } from './flows/flows-dir.js';
import { webhookTriggersOf } from './flows/webhook-urls.js';
import { createApp } from './http/app.js';
import { createManagementServer } from './http/management-server.js';
import { locateUiDir } from './http/ui-files.js';
import { createLogger } from './logging/logger.js';
import { serverErrors } from './errors.js';
import { createMetrics } from './metrics.js';
import { startSchedules, type Schedules } from './schedule/schedules.js';
import { startTriggerRunners, type TriggerRunners } from './triggers/trigger-runners.js';
import { startApiDisabled } from './triggers/api-disabled.js';
import { startWebhookStarts } from './triggers/webhook-starts.js';
import { loadServerPlugins } from './plugins/load-server-plugins.js';
import { applyHeapGrowth } from './runtime/heap-growth.js';
import { applyPretenuring } from './runtime/pretenuring.js';
import { selectRuntime, type Role } from './runtime/select-runtime.js';
import type { ServerContext } from './server-context.js';
import { startWorker, type Worker } from './worker/worker.js';
import { startStorageSweep } from './worker/storage-sweep.js';
import { startFlowTriggers, type FlowTriggers } from './flow-triggers/flow-triggers.js';
import { stopAfterHook } from './triggers/stop-after.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
/** How soon a webserver sees a webhook trigger disabled through another webserver's trigger API. */
const API_DISABLED_REFRESH_MS = 2000;
/** How often the webhook route's started executions are written to their triggers' states (one write per trigger). */
const WEBHOOK_STARTS_FLUSH_MS = 1000;

/**
 * The part of the grace kept for closing connections after the drain: a second at most, a
 * quarter of a short grace.
 */
export function closeReserveMs(graceMs: number): number {
  return Math.min(1000, Math.floor(graceMs / 4));
}

export interface StartOptions {
  readonly role: Role;
  /** Load the bundled example flows (the quick start). Their webhook keys are public. */
  readonly examples?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunningServer {
  readonly context: ServerContext;
  /** The bound HTTP port, for the roles that serve HTTP. */
  readonly port?: number;
  stop(reason?: string): Promise<void>;
}

function credentialsFor(config: Config, log: ServerContext['logger']): Credentials {
  if (config.SLUICE_USERNAME && config.SLUICE_PASSWORD) return configuredCredentials(config.SLUICE_USERNAME, config.SLUICE_PASSWORD);
  const generated = generatedCredentials(resolve(config.SLUICE_DATA_DIR));
  if (generated.created) {
    // Printed once, to the terminal only, never to the JSON log; only a hash is kept.
    process.stderr.write(
      `\n  API credentials created (shown once): user ${generated.created.username}  password ${generated.created.password}\n` +
        `  Set SLUICE_USERNAME and SLUICE_PASSWORD to choose your own. Hash kept in ${generated.file}\n\n`,
    );
  }
  log.info({ username: generated.credentials.username, file: generated.file }, 'API basic auth uses the generated credentials');
  return generated.credentials;
}

/** Why a bind failed, in words; the code stays in brackets for searching. */
function listenReason(error: NodeJS.ErrnoException): string {
  if (error.code === 'EADDRINUSE') return 'the address is already in use (EADDRINUSE): stop what holds it or choose another port';
  if (error.code === 'EACCES') return 'permission denied (EACCES): ports below 1024 need privileges; choose another port';
  if (error.code === 'EADDRNOTAVAIL') return 'the address is not one of this machine\'s (EADDRNOTAVAIL): check HOST';
  return error.code ? `${error.message} (${error.code})` : error.message;
}

/** Binds `server`, answering the bound port; a failure is `LISTEN_FAILED`, printed as `sluice: <message> [LISTEN_FAILED]`. */
async function listen(server: Server, port: number, host: string, what: string): Promise<number> {
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => ok());
    });
  } catch (error) {
    throw serverErrors.LISTEN_FAILED(what, host, port, listenReason(error as NodeJS.ErrnoException), { cause: error });
  }
  return (server.address() as AddressInfo).port;
}

/**
 * Starts one process of the given role: `standalone` (HTTP and worker), `webserver` (HTTP
 * only) or `worker`. Logs one line each for the start, the runtime, every plugin package, the
 * listening address and every webhook URL (keys masked).
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const config = loadConfig(options.env);
  if (config.SLUICE_FLOWS_DIR && !existsSync(config.SLUICE_FLOWS_DIR)) throw serverErrors.CONFIG_INVALID([`SLUICE_FLOWS_DIR: the folder ${resolve(config.SLUICE_FLOWS_DIR)} does not exist`]);
  if (config.SLUICE_PLUGINS_DIR && !existsSync(config.SLUICE_PLUGINS_DIR)) throw serverErrors.CONFIG_INVALID([`SLUICE_PLUGINS_DIR: the folder ${resolve(config.SLUICE_PLUGINS_DIR)} does not exist`]);
  const logger = createLogger(config.SLUICE_LOG_LEVEL);
  const version = (await import(join(packageRoot, 'package.json'), { with: { type: 'json' } })).default.version as string;
  // Before the plugins, the flows and the runtime fill the heap, so every limit V8 sets follows it.
  const heapGrowth = applyHeapGrowth(config.SLUICE_HEAP_GROWTH_PERCENT);
  const pretenuring = applyPretenuring(config.SLUICE_V8_PRETENURING);
  logger.info({ role: options.role, version, node: process.version, heapGrowth, pretenuring }, `sluice ${version} starting as ${options.role}`);

  const { registry, packages } = await loadServerPlugins(config);
  for (const pkg of packages) logger.info({ package: pkg.name, version: pkg.version, types: pkg.types }, `plugin package ${pkg.name}@${pkg.version} loaded: ${pkg.types.join(', ')}`);

  const { runtime, description, fields, importFlowsFrom } = await selectRuntime(config, options.role, logger);
  if (runtime.durable) logger.info({ runtime: runtime.name, ...fields }, `runtime ${runtime.name}: ${description}`);
  else logger.warn({ runtime: runtime.name, ...fields }, `runtime ${runtime.name}: ${description}`);

  const metrics = createMetrics();
  const flowIndex = await createFlowIndex(runtime.flows);
  // The memory runtime keeps nothing, so flows saved through the API also go to the flows
  // folder (by default in the data folder) and come back from it at the next start.
  const flowsDir = config.SLUICE_FLOWS_DIR ? resolve(config.SLUICE_FLOWS_DIR) : runtime.durable ? undefined : resolve(config.SLUICE_DATA_DIR, 'flows');
  const flowFiles = !runtime.durable && flowsDir && options.role !== 'worker' ? createFlowFiles(flowsDir) : undefined;
  const readOnlyFlows = flowsDir && !flowFiles ? createReadOnlyFlows(flowsDir) : undefined;
  const env = options.env ?? process.env;
  // Read once: listing process.env enumerates it through C++ (about 30 µs), which on every API
  // answer cost a tenth of a webhook's CPU. Nothing in Sluice changes the environment after start.
  const secretValues = envSecretValues(env);
  const storage = createLocalStorage(resolve(config.SLUICE_STORAGE_DIR ?? join(config.SLUICE_DATA_DIR, 'storage')));
  const context: ServerContext = {
    config, runtime, storage, registry, secrets: envSecrets(env), secretValues: () => secretValues, flowIndex, logger, metrics,
    baseUrl: publicUrl(config, config.PORT), shuttingDown: false, ...(flowFiles ? { flowFiles } : {}), ...(readOnlyFlows ? { readOnlyFlows } : {}),
  };

  let worker: Worker | undefined;
  let server: Server | undefined;
  let port: number | undefined;
  const serves = options.role !== 'worker';

  if (serves) {
    context.apiDisabled = await startApiDisabled(runtime, { tenants: ['main'], refreshMs: API_DISABLED_REFRESH_MS });
    context.webhookStarts = startWebhookStarts(runtime, logger.child({ component: 'webhook-starts' }), WEBHOOK_STARTS_FLUSH_MS);
    if (options.examples) {
      const dir = join(packageRoot, 'examples', 'flows');
      const { loaded, failed } = await loadFlowsDir(context, dir, logger);
      logger.info({ dir, loaded, failed }, `example flows ${dir}: ${loaded} loaded, ${failed} failed (their webhook keys are public: for trying Sluice only)`);
    }
    if (importFlowsFrom) {
      const { loaded, failed } = await loadFlowsDir(context, importFlowsFrom, logger);
      logger.info({ dir: importFlowsFrom, loaded, failed }, `flows of the memory runtime in ${importFlowsFrom}: ${loaded} imported into the new database, ${failed} failed (the folder is left as it is and not read again)`);
    }
    if (flowsDir) {
      const { loaded, failed } = await loadFlowsDir(context, flowsDir, logger);
      logger.info({ dir: flowsDir, loaded, failed, writesBack: flowFiles !== undefined }, `flows folder ${flowsDir}: ${loaded} loaded, ${failed} failed${flowFiles ? '; flows saved through the API are written here' : ''}`);
      watchFlowsDir(context, flowsDir, logger);
    }
    const uiDir = locateUiDir(config.SLUICE_UI_DIR);
    const app = createApp(context, { credentials: credentialsFor(config, logger), uiDir });
    // Node checks request timeouts every 30 s by default, far coarser than the timeout itself.
    server = createServer({ connectionsCheckingInterval: 1000 }, app.callback());
    // Slow clients must not hold sockets forever (headers or body trickled): Node drops a
    // request not received whole in time. It bounds receiving only, not a `wait: true` answer.
    server.requestTimeout = config.SLUICE_REQUEST_TIMEOUT_MS;
    server.headersTimeout = Math.min(20_000, config.SLUICE_REQUEST_TIMEOUT_MS);
    port = await listen(server, config.PORT, config.HOST, 'the API');
    context.baseUrl = publicUrl(config, port);
    logger.info({ address: config.HOST, port, url: context.baseUrl }, `listening on http://${config.HOST}:${port}`);
    const uiUrl = `${context.baseUrl}/ui/`;
    if (existsSync(join(uiDir, 'index.html'))) logger.info({ url: uiUrl, dir: uiDir }, `UI at ${uiUrl}`);
    else logger.warn({ url: uiUrl, dir: uiDir }, `UI at ${uiUrl} is not built (no index.html in ${uiDir}): run pnpm build, or set SLUICE_UI_DIR`);
    // The quick start's one line a person needs, on the terminal beside the generated password.
    if (options.examples) process.stderr.write(`\n  Open the web UI: ${uiUrl}\n\n`);
    for (const flow of flowIndex.all()) {
      for (const hook of webhookTriggersOf(context, flow)) logger.info({ flow: `${hook.namespace}.${hook.flowId}`, trigger: hook.triggerId, url: hook.maskedUrl }, `webhook ${hook.maskedUrl}`);
    }
  }
  let management: Server | undefined;
  if (config.SLUICE_MANAGEMENT_PORT !== undefined) {
    management = createManagementServer(context);
    const managementPort = await listen(management, config.SLUICE_MANAGEMENT_PORT, config.HOST, 'the management port');
    logger.info({ address: config.HOST, port: managementPort }, `management port listening on http://${config.HOST}:${managementPort} (/metrics, no credentials; /health/live, /health/ready)`);
  }
  let flowTriggers: FlowTriggers | undefined;
  let storageSweep: { close(): void } | undefined;
  if (options.role !== 'webserver') {
    // Flow triggers fire where executions end: in the workers, after the end is stored.
    flowTriggers = await startFlowTriggers(context);
    worker = startWorker(context, { afterEnd: [flowTriggers, stopAfterHook(context)] });
    storageSweep = startStorageSweep(context);
    context.workerHealthy = () => worker?.healthy() ?? false;
    logger.info({ concurrency: config.SLUICE_WORKER_CONCURRENCY }, `worker consuming executions, concurrency ${config.SLUICE_WORKER_CONCURRENCY}`);
  }

  // Schedules: webservers and standalone keep the clock in step with the flows and turn its
  // ticks into executions, each tick once across all of them; workers only run executions.
  let schedules: Schedules | undefined;
  if (serves) {
    schedules = await startSchedules(context, { consume: true });
    logger.info({ active: schedules.active() }, `schedules: ${schedules.active()} active`);
  }
  // Poll and listen triggers: run by the same roles as schedules, each trigger in one of them at
  // a time (a lease in the store); workers only run executions.
  let triggerRunners: TriggerRunners | undefined;
  if (serves) {
    triggerRunners = await startTriggerRunners(context, { leaseMs: config.SLUICE_TRIGGER_LEASE_MS });
    logger.info({ holder: triggerRunners.holder, running: triggerRunners.running() }, `triggers: ${triggerRunners.running()} poll or listen triggers running here`);
  }

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop'): Promise<void> =>
    (stopping ??= (async () => {
      // One deadline for the whole stop, so the process is gone within the grace: requests in
      // flight and running executions drain side by side until `grace - reserve`, and the
      // reserve is for closing connections (each close is bounded on its own as well).
      const grace = config.SLUICE_SHUTDOWN_GRACE_MS;
      const startedAt = Date.now();
      const drainUntil = startedAt + grace - closeReserveMs(grace);
      const left = (): number => Math.max(0, drainUntil - Date.now());
      logger.info({ reason, graceMs: grace }, `stopping (${reason}), grace ${grace} ms`);
      // New webhook calls get 503 from here on; those already past this check are answered.
      context.shuttingDown = true;
      const httpClosed = server ? new Promise<void>((ok) => server!.close(() => ok())) : Promise.resolve();
      management?.close();
      management?.closeAllConnections();
      server?.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const drainEnd = new Promise<void>((ok) => (timer = setTimeout(ok, left())));
      await Promise.all([Promise.race([httpClosed, drainEnd]), schedules?.close(left()), triggerRunners?.close(left()), worker?.close(left())]);
      clearTimeout(timer);
      // Past the drain: whatever is still open was not answered, so nothing was acknowledged.
      server?.closeAllConnections();
      await flowIndex.close();
      await flowTriggers?.close();
      storageSweep?.close();
      context.apiDisabled?.close();
      await context.webhookStarts?.close().catch(() => undefined);
      await runtime.close();
      logger.info({ ms: Date.now() - startedAt }, `stopped in ${Date.now() - startedAt} ms`);
    })());
  return { context, ...(port !== undefined ? { port } : {}), stop };
}
