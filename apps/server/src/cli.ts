#!/usr/bin/env node
import { isSluiceError } from '@sluice/core';
import { writeFlowJsonSchema } from '@sluice/engine';
import { loadConfig } from './config/load-config.js';
import { ConfigSchema } from './config/config.schema.js';
import { loadServerPlugins } from './plugins/load-server-plugins.js';
import { resolve } from 'node:path';
import { createLogger } from './logging/logger.js';
import { startServer } from './start-server.js';
import { selectRuntime, type Role } from './runtime/select-runtime.js';
import { exportStore, importStore } from './transfer/transfer.js';

const USAGE = `usage:
  sluice server standalone [--examples]   HTTP API, webhooks and a worker in one process
  sluice server webserver                 HTTP API and webhooks only (needs REDIS_URL)
  sluice worker                           runs executions only (needs REDIS_URL)
  sluice export <folder> [--executions]   writes the store's flows (and executions with their logs) to a folder
  sluice import <folder>                  reads an export into the store (SLUICE_RUNTIME, REDIS_URL, SLUICE_DATA_DIR)
  sluice flow-schema <file>               writes the flow JSON Schema for YAML editors
  sluice config                           lists the settings (environment variables)`;

async function main(argv: readonly string[]): Promise<void> {
  const [command, sub] = argv;
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  let role: Role | undefined;
  if (command === 'server' && (sub === 'standalone' || sub === 'webserver')) role = sub;
  else if (command === 'worker') role = 'worker';
  else if (command === 'flow-schema' && sub) {
    const { registry } = await loadServerPlugins(loadConfig());
    await writeFlowJsonSchema(registry, sub);
    process.stdout.write(`wrote the flow JSON Schema to ${sub}\n`);
    return;
  } else if ((command === 'export' || command === 'import') && sub) {
    await transfer(command, sub, flags.has('--executions'));
    return;
  } else if (command === 'config') {
    for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
      const def = (schema as { default?: unknown }).default;
      process.stdout.write(`${key.padEnd(28)}${(schema as { description?: string }).description ?? ''}${def !== undefined ? ` (default ${String(def)})` : ''}\n`);
    }
    return;
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command === undefined || command === '--help' || command === 'help' ? 0 : 2;
    return;
  }
  const running = await startServer({ role, examples: flags.has('--examples') });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // The stop keeps to the grace on its own; this is the backstop should anything in it hang.
      const hardStopMs = running.context.config.SLUICE_SHUTDOWN_GRACE_MS + 1000;
      setTimeout(() => {
        running.context.logger.error({ graceMs: running.context.config.SLUICE_SHUTDOWN_GRACE_MS }, `not stopped ${hardStopMs} ms after ${signal}: exiting now`);
        process.exit(1);
      }, hardStopMs).unref();
      void running.stop(signal).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

/**
 * `sluice export` and `sluice import`: the store the configuration selects, opened as a
 * standalone would open it (so the SQLite file must not be held by a running server).
 */
async function transfer(command: 'export' | 'import', dir: string, executions: boolean): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.SLUICE_LOG_LEVEL === 'info' ? 'warn' : config.SLUICE_LOG_LEVEL);
  const { registry } = await loadServerPlugins(config);
  const { runtime, description } = await selectRuntime(config, 'standalone', logger);
  process.stderr.write(`${runtime.name}: ${description}\n`);
  try {
    if (command === 'export') {
      const { flows, executions: count, kv, triggers } = await exportStore(runtime, resolve(dir), { executions });
      process.stdout.write(`exported ${flows} flows, ${kv} key-value entries, ${triggers} trigger states${executions ? ` and ${count} executions` : ''} to ${resolve(dir)}\n`);
    } else {
      const { flows, executions: count, kv, triggers, skipped, failed = [] } = await importStore(runtime, registry, resolve(dir));
      process.stdout.write(`imported ${flows} flows, ${kv} key-value entries, ${triggers} trigger states and ${count} executions (${skipped ?? 0} already there) from ${resolve(dir)}\n`);
      for (const problem of failed) process.stderr.write(`  not imported: ${problem}\n`);
      if (failed.length > 0) process.exitCode = 1;
    }
  } finally {
    await runtime.close();
  }
}

// `sluice config | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main(process.argv.slice(2)).catch((error: unknown) => {
  // Coded errors (bad config, a plugin that failed to load) are for people: print the message alone.
  process.stderr.write(`sluice: ${isSluiceError(error) ? `${error.message} [${error.code}]` : (error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
